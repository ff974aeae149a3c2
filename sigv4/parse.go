package sigv4

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

const (
	algorithm  = "AWS4-HMAC-SHA256"
	terminator = "aws4_request"
	// isoFormat is X-Amz-Date: ISO 8601 basic, always UTC.
	isoFormat = "20060102T150405Z"
	// maxExpires is the presigned URL lifetime AWS allows: seven days.
	maxExpires = 604800
)

// credential is the scope a signature was made for. Only parseCredential
// builds one, so a credential in hand is well formed.
type credential struct {
	AccessKeyID, Date, Region, Service string
}

// scope is the credential scope line of the string to sign.
func (c credential) scope() string {
	return c.Date + "/" + c.Region + "/" + c.Service + "/" + terminator
}

func (c *credential) appendScope(b []byte) []byte {
	b = append(append(b, c.Date...), '/')
	b = append(append(b, c.Region...), '/')
	b = append(append(b, c.Service...), '/')
	return append(b, terminator...)
}

// parseCredential parses AKID/yyyymmdd/region/service/aws4_request.
func parseCredential(s string) (credential, error) {
	var c credential
	var parts [5]string
	for i := 0; i < 4; i++ {
		var ok bool
		if parts[i], s, ok = strings.Cut(s, "/"); !ok {
			return c, newErr(ErrMalformed, "credential must have the form AKID/date/region/service/aws4_request")
		}
	}
	parts[4] = s
	c = credential{parts[0], parts[1], parts[2], parts[3]}
	switch {
	case c.AccessKeyID == "" || c.Region == "" || c.Service == "":
		return c, newErr(ErrMalformed, "credential has an empty access key, region or service")
	case parts[4] != terminator:
		return c, newErr(ErrMalformed, "credential scope must end in aws4_request, not "+strconv.Quote(parts[4]))
	case !validDate(c.Date):
		return c, newErr(ErrMalformed, "credential date "+strconv.Quote(c.Date)+" is not yyyymmdd")
	}
	return c, nil
}

func validDate(d string) bool {
	if len(d) != 8 {
		return false
	}
	_, err := time.Parse("20060102", d)
	return err == nil
}

// authorization is a parsed Authorization header of the AWS4-HMAC-SHA256 scheme.
type authorization struct {
	Credential    credential
	SignedHeaders string // lower-case names joined by ';', as sent
	Signature     string // 64 hex digits, as sent
}

// String re-serializes a in the form the AWS SDKs send.
func (a authorization) String() string {
	c := a.Credential
	return algorithm + " Credential=" + c.AccessKeyID + "/" + c.scope() +
		", SignedHeaders=" + a.SignedHeaders + ", Signature=" + a.Signature
}

// parseAuthorization parses "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=...,
// Signature=...". Like AWS it accepts the components in any order and
// separated by any mix of commas and blanks, none of which can occur inside
// a component's value.
func parseAuthorization(h string) (authorization, error) {
	var a authorization
	rest, ok := strings.CutPrefix(h, algorithm)
	if !ok && strings.HasPrefix(h, "AWS ") {
		return a, newErr(ErrSigV2, "an Authorization header of Signature Version 2")
	}
	if !ok || (rest != "" && rest[0] != ' ' && rest[0] != '\t') {
		return a, newErr(ErrMalformed, "unsupported authorization type; only AWS4-HMAC-SHA256 is accepted")
	}
	var cred, signed, sig string
	var seen [3]bool
	for rest != "" {
		i := strings.IndexAny(rest, ", \t")
		var field string
		if i < 0 {
			field, rest = rest, ""
		} else {
			field, rest = rest[:i], rest[i+1:]
		}
		if field == "" {
			continue
		}
		name, value, _ := strings.Cut(field, "=")
		var slot int
		switch name {
		case "Credential":
			slot, cred = 0, value
		case "SignedHeaders":
			slot, signed = 1, value
		case "Signature":
			slot, sig = 2, value
		default:
			return a, newErr(ErrMalformed, "unexpected authorization component "+strconv.Quote(name))
		}
		if seen[slot] {
			return a, newErr(ErrMalformed, "repeated authorization component "+name)
		}
		seen[slot] = true
	}
	if !seen[0] || !seen[1] || !seen[2] {
		return a, newErr(ErrMalformed, "authorization header needs Credential, SignedHeaders and Signature")
	}
	c, err := parseCredential(cred)
	if err != nil {
		return a, err
	}
	if err := checkSignedHeaders(signed); err != nil {
		return a, err
	}
	if !isHex64(sig) {
		return a, newErr(ErrMalformed, "signature must be 64 hex digits")
	}
	return authorization{Credential: c, SignedHeaders: signed, Signature: sig}, nil
}

// checkSignedHeaders requires a non-empty list that signs host: without
// host a signature could be replayed against another endpoint.
func checkSignedHeaders(s string) error {
	host := false
	for rest := s; ; {
		name, more, ok := strings.Cut(rest, ";")
		if name == "" {
			return newErr(ErrMalformed, "SignedHeaders has an empty name")
		}
		host = host || name == "host"
		if !ok {
			break
		}
		rest = more
	}
	if !host {
		return newErr(ErrMalformed, "SignedHeaders must include host")
	}
	return nil
}

func isHex64[T string | []byte](s T) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if fromHex(s[i]) < 0 {
			return false
		}
	}
	return true
}

// decodeHex32 decodes 64 hex digits of either case.
func decodeHex32[T string | []byte](s T) (b [32]byte, ok bool) {
	if !isHex64(s) {
		return b, false
	}
	for i := range b {
		b[i] = byte(fromHex(s[2*i])<<4 | fromHex(s[2*i+1]))
	}
	return b, true
}

func fromHex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// presignedKeys are the query parameters that carry a presigned signature.
var presignedKeys = [...]string{
	"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date",
	"X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature",
}

// presigned is a parsed presigned query.
type presigned struct {
	authorization
	Date    string // X-Amz-Date
	Expires time.Duration
}

// isPresigned reports whether any presigned parameter is present, so that
// a half-presigned URL is rejected as malformed rather than as unsigned.
func isPresigned(ps []param) bool {
	for _, p := range ps {
		if p.key == "X-Amz-Credential" || p.key == "X-Amz-Signature" || p.key == "X-Amz-Algorithm" {
			return true
		}
	}
	return false
}

// parsePresigned extracts the presigned parameters from a decoded query.
func parsePresigned(ps []param) (presigned, error) {
	var v [len(presignedKeys)]string
	var seen [len(presignedKeys)]bool
	for _, p := range ps {
		for i, k := range presignedKeys {
			if p.key != k {
				continue
			}
			if seen[i] {
				return presigned{}, newErr(ErrMalformed, "repeated query parameter "+k)
			}
			seen[i], v[i] = true, p.value
		}
	}
	for i, k := range presignedKeys {
		if !seen[i] {
			return presigned{}, newErr(ErrMalformed, "presigned URL lacks "+k)
		}
	}
	if v[0] != algorithm {
		return presigned{}, newErr(ErrMalformed, "X-Amz-Algorithm must be "+algorithm)
	}
	c, err := parseCredential(v[1])
	if err != nil {
		return presigned{}, err
	}
	exp, err := strconv.Atoi(v[3])
	switch { // S3's words
	case err != nil:
		return presigned{}, newErr(ErrMalformed, "X-Amz-Expires should be a number")
	case exp < 0:
		return presigned{}, newErr(ErrMalformed, "X-Amz-Expires must be non-negative")
	case exp > maxExpires:
		return presigned{}, newErr(ErrMalformed, "X-Amz-Expires must be less than a week (in seconds) that is 604800")
	case exp < 1:
		return presigned{}, newErr(ErrMalformed, "X-Amz-Expires must be a number of seconds from 1 to 604800")
	}
	if err := checkSignedHeaders(v[4]); err != nil {
		return presigned{}, err
	}
	if !isHex64(v[5]) {
		return presigned{}, newErr(ErrMalformed, "X-Amz-Signature must be 64 hex digits")
	}
	return presigned{
		authorization: authorization{Credential: c, SignedHeaders: v[4], Signature: v[5]},
		Date:          v[2],
		Expires:       time.Duration(exp) * time.Second,
	}, nil
}

// parseTime parses X-Amz-Date and ties it to the credential date, as AWS
// does: a scope from another day would let a derived key outlive its day.
func parseTime(amzDate string, c credential) (time.Time, error) {
	t, err := time.Parse(isoFormat, amzDate)
	if err != nil || len(amzDate) != len(isoFormat) {
		return time.Time{}, newErr(ErrMalformed, "X-Amz-Date "+strconv.Quote(amzDate)+" is not yyyymmddThhmmssZ")
	}
	if amzDate[:8] != c.Date {
		return time.Time{}, newErr(ErrMalformed, "credential date "+c.Date+" differs from X-Amz-Date "+amzDate)
	}
	return t, nil
}

// httpDateFormats are the Date forms HTTP allows (RFC 9110 section 5.6.7:
// IMF-fixdate, RFC 850, asctime) plus the RFC 1123 variants real signers
// send: "UTC" for "GMT", and a numeric zone (botocore writes "-0000").
var httpDateFormats = []string{
	time.RFC1123, // IMF-fixdate; the zone name is checked by namedUTC
	time.RFC850,
	time.ANSIC,
	"Mon Jan  2 15:04:05 2006 MST", // asctime with a trailing zone
}

// parseHTTPDate parses a Date header, the fallback when a signed request
// has no X-Amz-Date.
func parseHTTPDate(d string) (time.Time, error) {
	d = strings.TrimSpace(d)
	if t, err := time.Parse(time.RFC1123Z, d); err == nil {
		return t, nil
	}
	for _, f := range httpDateFormats {
		if t, err := time.Parse(f, d); err == nil && namedUTC(t, f) {
			return t, nil
		}
	}
	return time.Time{}, errors.New("sigv4: not an HTTP date")
}

// namedUTC refuses zone names other than GMT and UTC, which time.Parse
// would otherwise read as offset 0 ("EST" is not).
func namedUTC(t time.Time, format string) bool {
	name, off := t.Zone()
	return off == 0 && (format == time.ANSIC || name == "GMT" || name == "UTC")
}
