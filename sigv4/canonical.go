package sigv4

import (
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
)

// param is one query parameter, percent-decoded.
type param struct{ key, value string }

// parseQuery splits a raw query the way S3 reads it: pairs separated by '&',
// '+' meaning a space, a key without '=' having the empty value. Unlike
// url.ParseQuery it keeps ';' as an ordinary byte and the order of pairs.
func parseQuery(raw string) ([]param, error) {
	if raw == "" {
		return nil, nil
	}
	ps := make([]param, 0, strings.Count(raw, "&")+1)
	for raw != "" {
		var kv string
		kv, raw, _ = strings.Cut(raw, "&")
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		dk, err := url.QueryUnescape(k)
		if err != nil {
			return nil, newErr(ErrMalformed, "query key "+strconv.Quote(k)+" is badly percent-encoded")
		}
		dv, err := url.QueryUnescape(v)
		if err != nil {
			return nil, newErr(ErrMalformed, "query value of "+strconv.Quote(dk)+" is badly percent-encoded")
		}
		ps = append(ps, param{dk, dv})
	}
	return ps, nil
}

// appendCanonicalQuery appends the parameters RFC 3986-encoded and sorted by
// encoded key, then encoded value, as the SDK signers sort them. A presigned
// request's own signature is not part of what it signs.
func appendCanonicalQuery(dst []byte, ps []param, presigned bool) []byte {
	var small [8]param
	enc := small[:0]
	for _, p := range ps {
		if presigned && p.key == "X-Amz-Signature" {
			continue
		}
		enc = append(enc, param{escape(p.key), escape(p.value)})
	}
	slices.SortFunc(enc, func(a, b param) int {
		if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		return strings.Compare(a.value, b.value)
	})
	for i, p := range enc {
		if i > 0 {
			dst = append(dst, '&')
		}
		dst = append(dst, p.key...)
		dst = append(dst, '=')
		dst = append(dst, p.value...)
	}
	return dst
}

func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}

const upperHex = "0123456789ABCDEF"

// escape percent-encodes every byte but the RFC 3986 unreserved ones. It
// returns s itself when nothing needs encoding, the common case.
func escape(s string) string {
	i := 0
	for i < len(s) && unreserved(s[i]) {
		i++
	}
	if i == len(s) {
		return s
	}
	return string(appendEscaped(make([]byte, 0, len(s)+16), s, false))
}

// appendEscaped percent-encodes s onto dst, leaving '/' alone if keepSlash.
func appendEscaped(dst []byte, s string, keepSlash bool) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) || keepSlash && c == '/' {
			dst = append(dst, c)
			continue
		}
		dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
	}
	return dst
}

// requestPath is the path exactly as the client sent it. S3 signs that and
// nothing else, so re-encoding r.URL.Path would break keys with '%2F',
// '+' or characters Go would encode differently.
func requestPath(r *http.Request) string {
	p := r.RequestURI
	if strings.HasPrefix(p, "/") {
		if i := strings.IndexByte(p, '?'); i >= 0 {
			p = p[:i]
		}
		return p
	}
	if p = r.URL.EscapedPath(); p == "" {
		p = "/"
	}
	return p
}

// canonicalURIs returns the canonical URI to try, and a second one for
// non-S3 services whose path is not in normal form. S3 uses the path as sent;
// the other services encode it a second time. The SDKs do not normalize
// before signing but the AWS documentation says to, so a client of either
// kind is accepted.
func canonicalURIs(raw string, s3 bool) (uri, alt string) {
	if s3 {
		return raw, ""
	}
	uri = string(appendEscaped(nil, raw, true))
	if n := normalizePath(raw); n != raw {
		alt = string(appendEscaped(nil, n, true))
	}
	return uri, alt
}

// normalizePath removes dot segments and repeated slashes (RFC 3986 §6.2.2.3)
// but keeps a trailing slash.
func normalizePath(p string) string {
	if !strings.Contains(p, "//") && !strings.Contains(p, "/.") {
		return p
	}
	n := path.Clean(p)
	if strings.HasSuffix(p, "/") && n != "/" {
		n += "/"
	}
	return n
}

// isS3 reports whether a service signs paths the S3 way (no second encoding).
// S3 Control signs as "s3"; the others named here are S3 variants.
func isS3(service string) bool {
	return service == "s3" || strings.HasPrefix(service, "s3-") || service == "s3express"
}

// appendCanonicalHeaders appends "name:value\n" for each signed header, in
// the order of the SignedHeaders list the client sent.
func appendCanonicalHeaders(dst []byte, r *http.Request, signed string) []byte {
	for rest := signed; ; {
		name, more, ok := strings.Cut(rest, ";")
		dst = append(dst, name...)
		dst = append(dst, ':')
		dst = appendHeaderValue(dst, r, name)
		dst = append(dst, '\n')
		if !ok {
			return dst
		}
		rest = more
	}
}

// appendHeaderValue appends the canonical value of one signed header: its
// values trimmed, runs of spaces collapsed, joined by commas. net/http moves
// Host out of the header map, and may drop Content-Length, so both are
// taken from the request fields when needed.
func appendHeaderValue(dst []byte, r *http.Request, name string) []byte {
	if name == "host" {
		host := r.Host
		if host == "" {
			host = r.URL.Host
		}
		return appendTrimmed(dst, host)
	}
	vs := lookupHeader(r.Header, name)
	if len(vs) == 0 && name == "content-length" && r.ContentLength >= 0 {
		return strconv.AppendInt(dst, r.ContentLength, 10)
	}
	for i, v := range vs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendTrimmed(dst, v)
	}
	return dst
}

// appendTrimmed trims surrounding white space and collapses inner runs of
// spaces to one, exactly as the SDK signers do (tabs inside are kept).
func appendTrimmed(dst []byte, v string) []byte {
	v = strings.TrimSpace(v)
	for i := 0; i < len(v); i++ {
		if v[i] == ' ' && i > 0 && v[i-1] == ' ' {
			continue
		}
		dst = append(dst, v[i])
	}
	return dst
}

// lookupHeader finds a header by its lower-case name without the allocation
// textproto.CanonicalMIMEHeaderKey makes for every lower-case name.
func lookupHeader(h http.Header, name string) []string {
	var buf [64]byte
	if len(name) > len(buf) {
		return h.Values(name)
	}
	b := buf[:len(name)]
	upper := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !unreserved(c) && !strings.ContainsRune("!#$%&'*+^`|", rune(c)) {
			// Not a token: net/http stored it as sent.
			return h.Values(name)
		}
		if upper && 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		} else if !upper && 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
		upper = c == '-'
	}
	return h[string(b)]
}
