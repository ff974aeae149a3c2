package sigv4

import (
	"errors"
	"net/http"
	"time"
)

// signed is what a request claims about its signature, in either form.
type signed struct {
	authorization
	AmzDate   string    // the timestamp line of the string to sign
	Time      time.Time // AmzDate parsed
	Presigned bool
	Token     string // X-Amz-Security-Token
}

// parseSigned finds the signature in the header or the query, parses it and
// checks its time against now. Time is checked before the key is looked up:
// a stale request is refused without touching the key store.
func parseSigned(r *http.Request, ps []param, now time.Time) (*signed, error) {
	h := r.Header.Values("Authorization")
	pre := isPresigned(ps)
	switch {
	case len(h) > 0 && pre:
		return nil, newErr(ErrMalformed, "only one auth mechanism allowed; a presigned URL cannot also carry an Authorization header")
	case pre:
		s, err := parsePresignedRequest(ps, now)
		var e *Error
		if errors.As(err, &e) && e.Kind == ErrMalformed {
			e.Presigned = true // S3 words a bad query apart from a bad header
		}
		return s, err
	case len(h) > 1:
		return nil, newErr(ErrMalformed, "more than one Authorization header")
	case len(h) == 1:
		return parseHeaderRequest(r, h[0], now)
	}
	if hasParam(ps, "AWSAccessKeyId") && hasParam(ps, "Signature") {
		return nil, newErr(ErrSigV2, "a presigned URL of Signature Version 2")
	}
	return nil, newErr(ErrMissingAuth, "the request is not signed")
}

func hasParam(ps []param, key string) bool {
	for _, p := range ps {
		if p.key == key {
			return true
		}
	}
	return false
}

func parseHeaderRequest(r *http.Request, h string, now time.Time) (*signed, error) {
	a, err := parseAuthorization(h)
	if err != nil {
		return nil, err
	}
	amzDate := r.Header.Get("X-Amz-Date")
	if amzDate == "" {
		// AWS falls back to Date, formatted as X-Amz-Date for the string to sign.
		d := r.Header.Get("Date")
		if d == "" {
			return nil, newErr(ErrMalformed, "the request needs an X-Amz-Date or Date header")
		}
		t, err := parseHTTPDate(d)
		if err != nil {
			return nil, newErr(ErrMalformed, "the Date header is not an HTTP date")
		}
		amzDate = t.UTC().Format(isoFormat)
	}
	t, err := parseTime(amzDate, a.Credential)
	if err != nil {
		return nil, err
	}
	if d := now.Sub(t); d > MaxSkew || d < -MaxSkew {
		return nil, newErr(ErrSkew, "the difference between the request time "+amzDate+
			" and the current time "+now.UTC().Format(isoFormat)+" is too large")
	}
	return &signed{
		authorization: a,
		AmzDate:       amzDate,
		Time:          t,
		Token:         r.Header.Get("X-Amz-Security-Token"),
	}, nil
}

func parsePresignedRequest(ps []param, now time.Time) (*signed, error) {
	p, err := parsePresigned(ps)
	if err != nil {
		return nil, err
	}
	t, err := parseTime(p.Date, p.Credential)
	if err != nil {
		return nil, err
	}
	if now.After(t.Add(p.Expires)) {
		return nil, newErr(ErrExpired, "request has expired")
	}
	if t.After(now.Add(MaxSkew)) {
		return nil, newErr(ErrExpired, "request is not valid yet")
	}
	return &signed{
		authorization: p.authorization,
		AmzDate:       p.Date,
		Time:          t,
		Presigned:     true,
		Token:         queryValue(ps, "X-Amz-Security-Token"),
	}, nil
}

func queryValue(ps []param, key string) string {
	for _, p := range ps {
		if p.key == key {
			return p.value
		}
	}
	return ""
}

// payloadHash is the last line of the canonical request: what the client
// says it signed the body as. For services other than S3 the SDKs hash the
// body without sending the hash, so it is computed here.
// hashed reports that the hash was computed here from the body.
func payloadHash(r *http.Request, ps []param, s *signed) (payload string, hashed bool, err error) {
	v := r.Header.Get("X-Amz-Content-Sha256")
	if v == "" && s.Presigned {
		v = queryValue(ps, "X-Amz-Content-Sha256")
	}
	s3 := isS3(s.Credential.Service)
	switch {
	case v == "" && s3 && s.Presigned:
		return UnsignedPayload, false, nil
	case v == "" && s3:
		return "", false, newErr(ErrMissingContentSHA256, "Missing required header for this request: x-amz-content-sha256")
	case v == "":
		payload, err = hashBody(r)
		return payload, err == nil, err
	case isHex64(v) || v == UnsignedPayload:
		// As sent, whatever its case: it is a line of what was signed.
		return v, false, nil
	case v == StreamingSigned || v == StreamingSignedTrailer || v == StreamingUnsignedTrailer:
		if s.Presigned {
			return "", false, newErr(ErrMalformed, "a presigned request cannot stream "+v)
		}
		return v, false, nil
	}
	return "", false, newErr(ErrBadContentSHA256, "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.")
}
