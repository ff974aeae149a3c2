package sigv4

import (
	"net/http"
	"sort"
	"strings"
)

// unsignedHeaders returns, lower case and sorted, the x-amz-* headers of h
// that the SignedHeaders list signed does not name. Services act on
// x-amz-* headers (x-amz-copy-source turns a PUT into a copy), so one the
// signer did not vouch for must not reach them: a presigned URL that signs
// only host would otherwise be a blank cheque. AWS refuses such requests
// the same way.
//
// x-amz-content-sha256 may go unsigned, as on S3: its value is the last
// line of the canonical request, so the signature covers it anyway.
// Headers outside x-amz-* (Content-Type, Content-MD5, ...) may go
// unsigned as on AWS; see docs/decisions.md.
func unsignedHeaders(h http.Header, signed string) []string {
	var out []string
	for k := range h {
		if len(k) < len("x-amz-") || !strings.EqualFold(k[:len("x-amz-")], "x-amz-") ||
			strings.EqualFold(k, "x-amz-content-sha256") || listed(signed, k) {
			continue
		}
		out = append(out, strings.ToLower(k))
	}
	sort.Strings(out)
	return out
}

// listed reports whether the ';'-separated list names name, in any case.
func listed(list, name string) bool {
	for list != "" {
		item, rest, _ := strings.Cut(list, ";")
		if strings.EqualFold(item, name) {
			return true
		}
		list = rest
	}
	return false
}

// checkUnsigned refuses a request that carries unsigned x-amz-* headers.
func checkUnsigned(r *http.Request, s *signed) error {
	names := unsignedHeaders(r.Header, s.SignedHeaders)
	if len(names) == 0 {
		return nil
	}
	return &Error{Kind: ErrUnsignedHeaders, Msg: "there were headers present in the request which were not signed: " +
		strings.Join(names, ", "), Unsigned: names}
}
