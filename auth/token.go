package auth

// Session tokens. Temporary credentials sign like any key, and every
// request made with them must also carry their session token, in the
// X-Amz-Security-Token header or (presigned) query parameter. The token
// is bound to its key: another key's token, or a token sent with a
// long-term key, is refused as invalid; a token past its expiry as
// expired.

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/identity"
)

const tokenParam = "X-Amz-Security-Token"

// sessionToken is the request's token, "" if none.
func sessionToken(r *http.Request) string {
	if t := r.Header.Get(tokenParam); t != "" {
		return t
	}
	// Parse the query only when it can hold one: the hot path has none.
	if strings.Contains(r.URL.RawQuery, tokenParam) {
		return r.URL.Query().Get(tokenParam)
	}
	return ""
}

// checkToken verifies the request's session token against the key's.
func (a *Authenticator) checkToken(r *http.Request, k *identity.Credential, proto Protocol) *awserr.Error {
	tok := sessionToken(r)
	if tok == "" && k.TokenHash == "" {
		return nil
	}
	if tok == "" || k.TokenHash == "" ||
		subtle.ConstantTimeCompare([]byte(identity.TokenHash(tok)), []byte(k.TokenHash)) != 1 {
		return tokenError(proto, false)
	}
	if !a.Now().Before(k.Expires) {
		return tokenError(proto, true)
	}
	return nil
}

func tokenError(proto Protocol, expired bool) *awserr.Error {
	var c awserr.Code
	switch {
	case proto == Query && expired:
		c = awserr.ExpiredTokenQuery
	case proto == Query:
		c = awserr.InvalidClientTokenID
	case proto == JSON && expired:
		c = awserr.ExpiredTokenJSON
	case proto == JSON:
		c = awserr.UnrecognizedClientException
	case expired:
		c = awserr.ExpiredTokenS3
	default:
		c = awserr.InvalidTokenS3
	}
	return c.Err("")
}
