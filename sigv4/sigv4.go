// Package sigv4 verifies AWS Signature Version 4 on the server side: the
// Authorization header form, the presigned query form, and the payload,
// whether hashed whole, unsigned, or sent aws-chunked with chunk signatures
// and trailers. It is pure: the clock and the key lookup are passed in, and
// it knows nothing of fsxd's services beyond how each signs its path.
package sigv4

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// Keys finds the secret for an access key id. It returns ErrUnknownKey,
// possibly wrapped, for a key it does not know; any other error is passed
// through Verify untouched, for the API layer to treat as internal.
type Keys func(ctx context.Context, accessKeyID string) (secret string, err error)

// Payload hash values of x-amz-content-sha256 other than a hex digest.
const (
	UnsignedPayload          = "UNSIGNED-PAYLOAD"
	StreamingSigned          = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	StreamingSignedTrailer   = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
	StreamingUnsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
)

// MaxSkew is how far X-Amz-Date may be from the server clock.
const MaxSkew = 15 * time.Minute

// Caller is who signed a request, and how.
type Caller struct {
	AccessKeyID string
	Region      string    // from the credential scope
	Service     string    // from the credential scope: fsx, s3 (S3 Control too), iam, sts
	Time        time.Time // X-Amz-Date
	Presigned   bool
	// SessionToken is X-Amz-Security-Token, if any. Verify does not check
	// it: the caller must, for keys that are temporary credentials.
	SessionToken string
	// PayloadMode is UNSIGNED-PAYLOAD, a hex SHA-256, or one of the
	// STREAMING-* values.
	PayloadMode string
	// DecodedLength is x-amz-decoded-content-length for streaming bodies
	// (-1 if not sent), else r.ContentLength.
	DecodedLength int64
}

// Verify checks the request's signature, in the Authorization header or
// presigned query form, against now. On success it replaces r.Body with a
// reader that checks the payload as it is read: a hex x-amz-content-sha256
// fails with ErrContentSHA256Mismatch at EOF; aws-chunked bodies are decoded,
// each chunk and the trailer signature checked against the seed signature's
// chain. For streaming bodies r.ContentLength becomes the decoded length.
// For services other than S3, which sign the body without sending its hash,
// Verify reads the body (up to MaxHashedBody) and puts it back, unless
// BufferBody already did.
//
// Verify refuses a request that carries an x-amz-* header its signature
// does not cover (ErrUnsignedHeaders). It does not check the credential
// scope's region and service: VerifyScoped does.
func Verify(r *http.Request, keys Keys, now time.Time) (*Caller, error) {
	return verify(r, keys, now, nil)
}

// VerifyScoped is Verify for a request routed to an API that accepts only
// the scope want: a credential scoped to another region or service fails
// with ErrWrongRegion or ErrWrongService before the key is looked up.
func VerifyScoped(r *http.Request, keys Keys, now time.Time, want Scope) (*Caller, error) {
	return verify(r, keys, now, &want)
}

func verify(r *http.Request, keys Keys, now time.Time, want *Scope) (*Caller, error) {
	ps, err := parseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, err
	}
	s, err := parseSigned(r, ps, now)
	if err != nil {
		return nil, err
	}
	if err := want.check(s.Credential, s.Presigned); err != nil {
		return nil, err
	}
	secret, err := keys(r.Context(), s.Credential.AccessKeyID)
	if errors.Is(err, ErrUnknownKey) {
		return nil, newErr(ErrUnknownKey, "the access key id "+s.Credential.AccessKeyID+" does not exist")
	} else if err != nil {
		return nil, fmt.Errorf("sigv4: looking up access key: %w", err)
	}
	payload, hashed, err := payloadHash(r, ps, s)
	if err != nil {
		return nil, err
	}
	key := signingKey(secret, s.Credential)
	if err := checkSignature(r, ps, s, payload, key); err != nil {
		return nil, err
	}
	// After the signature: only a caller who holds the key (or a URL made
	// with it) learns which headers it failed to sign.
	if err := checkUnsigned(r, s); err != nil {
		return nil, err
	}
	decoded, err := wrapBody(r, s, payload, key.key, hashed)
	if err != nil {
		return nil, err
	}
	return &Caller{
		AccessKeyID:   s.Credential.AccessKeyID,
		Region:        s.Credential.Region,
		Service:       s.Credential.Service,
		Time:          s.Time,
		Presigned:     s.Presigned,
		SessionToken:  s.Token,
		PayloadMode:   payload,
		DecodedLength: decoded,
	}, nil
}

// ParseScope returns the credential scope of a signed request without
// checking anything else, so a server can route by service before auth.
func ParseScope(r *http.Request) (accessKeyID, region, service string, ok bool) {
	if h := r.Header.Get("Authorization"); h != "" {
		a, err := parseAuthorization(h)
		if err != nil {
			return "", "", "", false
		}
		return a.Credential.AccessKeyID, a.Credential.Region, a.Credential.Service, true
	}
	c, err := parseCredential(r.URL.Query().Get("X-Amz-Credential"))
	if err != nil {
		return "", "", "", false
	}
	return c.AccessKeyID, c.Region, c.Service, true
}

// checkSignature recomputes the request signature and compares it in
// constant time. On a mismatch the error carries what was signed.
func checkSignature(r *http.Request, ps []param, s *signed, payload string, key *derivedKey) error {
	uri, alt := canonicalURIs(requestPath(r), isS3(s.Credential.Service))
	want, _ := decodeHex32(s.Signature) // parse checked the form
	bufp := canonPool.Get().(*[]byte)
	defer func() {
		if cap(*bufp) <= 64<<10 { // do not pin the odd huge request's buffer
			canonPool.Put(bufp)
		}
	}()
	var first *Error
	for i, u := range [2]string{uri, alt} {
		if u == "" {
			continue
		}
		// Canonical request, string to sign and signature share one
		// pooled buffer, one after the other.
		canon := appendCanonicalRequest((*bufp)[:0], r, u, ps, s, payload)
		sts := appendStringToSign(canon[len(canon):], s.AmzDate, &s.Credential, sha256.Sum256(canon))
		m := key.mac()
		m.Write(sts)
		got := m.Sum(sts[len(sts):])
		key.done(m)
		*bufp = canon[:0] // keep the grown buffer for next time
		if hmac.Equal(got, want[:]) {
			return nil
		}
		if i == 0 {
			first = &Error{
				Kind:             ErrSignatureMismatch,
				Msg:              "the request signature we calculated does not match the signature you provided",
				CanonicalRequest: string(canon),
				StringToSign:     string(sts),
			}
		}
	}
	return first
}

var canonPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// appendCanonicalRequest appends the canonical request of the SigV4 spec.
func appendCanonicalRequest(dst []byte, r *http.Request, uri string, ps []param, s *signed, payload string) []byte {
	dst = append(dst, r.Method...)
	dst = append(dst, '\n')
	dst = append(dst, uri...)
	dst = append(dst, '\n')
	dst = appendCanonicalQuery(dst, ps, s.Presigned)
	dst = append(dst, '\n')
	dst = appendCanonicalHeaders(dst, r, s.SignedHeaders)
	dst = append(dst, '\n')
	dst = append(dst, s.SignedHeaders...)
	dst = append(dst, '\n')
	return append(dst, payload...)
}

func appendStringToSign(b []byte, amzDate string, c *credential, canonHash [32]byte) []byte {
	b = append(b, algorithm+"\n"...)
	b = append(b, amzDate...)
	b = append(b, '\n')
	b = c.appendScope(b) // as scope(), without allocating it
	b = append(b, '\n')
	return hex.AppendEncode(b, canonHash[:])
}
