package auth

import (
	"context"
	"errors"
	"net/http"
	"sync"

	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/identity"
	"github.com/fsxd/fsxd/sigv4"
)

// ErrUnknownKey is returned by a KeyLookup for an access key it does not
// know (or an inactive one); it is sigv4's own kind, so Verify reports it.
var ErrUnknownKey error = sigv4.ErrUnknownKey

// Protocol selects the error vocabulary of the API being served.
type Protocol int

const (
	JSON  Protocol = iota // FSx: AWS JSON 1.1
	S3                    // S3 and S3 Control: REST-XML
	Query                 // IAM and STS
)

// Authenticator verifies SigV4 and resolves the principal.
type Authenticator struct {
	Lookup KeyLookup
	Now    Clock
	// Region is the region fsxd presents: credential scopes must name it
	// (IAM and STS also accept us-east-1, their global signing region).
	// Empty accepts any region (unit tests of single services).
	Region string

	scopesOnce sync.Once
	scopes     [3]sigv4.Scope // by Protocol
}

// Authenticate verifies r and returns its principal and the signature's
// details. Errors are *awserr.Error in the vocabulary of proto.
func (a *Authenticator) Authenticate(r *http.Request, proto Protocol) (*Principal, *sigv4.Caller, error) {
	var key identity.Credential
	keys := func(ctx context.Context, id string) (string, error) {
		k, err := a.Lookup(ctx, id)
		if errors.Is(err, identity.ErrUnknownKey) {
			return "", ErrUnknownKey
		} else if err != nil {
			return "", err
		}
		if !k.Active {
			return "", ErrUnknownKey
		}
		key = k
		return k.Secret, nil
	}
	caller, err := sigv4.VerifyScoped(r, keys, a.Now(), a.scope(proto))
	if err != nil {
		return nil, nil, mapError(err, proto)
	}
	if e := a.checkToken(r, &key, proto); e != nil {
		return nil, nil, e
	}
	p := key.Principal
	p.AccessKeyID = caller.AccessKeyID
	return &p, caller, nil
}

// mapError names a verification failure the way each AWS front end does.
func mapError(err error, proto Protocol) *awserr.Error {
	kind := sigv4.KindOf(err)
	if kind == "" {
		if !errors.Is(err, ErrUnknownKey) {
			return awserr.From(err, internalFor(proto))
		}
		kind = sigv4.ErrUnknownKey
	}
	var se *sigv4.Error
	if errors.As(err, &se) {
		if e := scopeError(se, proto); e != nil {
			return e.Wrap(err)
		}
	}
	e := codeFor(kind, proto).Err("")
	if proto == S3 && kind == sigv4.ErrMalformed && se != nil && se.Presigned {
		e = awserr.AuthorizationQueryError.Err("")
	}
	if proto == S3 && se != nil && se.Msg != "" && (kind == sigv4.ErrMalformed || kind == sigv4.ErrMissingContentSHA256 || kind == sigv4.ErrBadContentSHA256) {
		e.Message = se.Msg
	}
	if proto == S3 && kind == sigv4.ErrBadContentSHA256 {
		e = e.With("ArgumentName", "x-amz-content-sha256")
	}
	return e.Wrap(err)
}

func internalFor(proto Protocol) awserr.Code {
	if proto == JSON {
		return awserr.InternalServerError
	}
	return awserr.InternalError
}

func codeFor(k sigv4.Kind, proto Protocol) awserr.Code {
	switch proto {
	case Query:
		switch k {
		case sigv4.ErrUnknownKey:
			return awserr.InvalidClientTokenID
		case sigv4.ErrMissingAuth:
			return awserr.QueryMissingAuthenticationToken
		case sigv4.ErrMalformed, sigv4.ErrSigV2:
			return awserr.QueryIncompleteSignature
		case sigv4.ErrSkew, sigv4.ErrExpired:
			return awserr.RequestExpired
		default:
			return awserr.QuerySignatureDoesNotMatch
		}
	case JSON:
		switch k {
		case sigv4.ErrUnknownKey:
			return awserr.UnrecognizedClientException
		case sigv4.ErrMissingAuth:
			return awserr.MissingAuthenticationToken
		case sigv4.ErrMalformed, sigv4.ErrSigV2:
			return awserr.IncompleteSignature
		case sigv4.ErrSkew:
			return awserr.SignatureSkewedJSON
		case sigv4.ErrExpired:
			return awserr.SignatureExpiredJSON
		default:
			return awserr.InvalidSignatureException
		}
	default:
		switch k {
		case sigv4.ErrUnknownKey:
			return awserr.InvalidAccessKeyID
		case sigv4.ErrMissingAuth:
			return awserr.AccessDenied
		case sigv4.ErrMalformed:
			return awserr.AuthorizationHeaderMalform
		case sigv4.ErrSigV2:
			return awserr.SigV2NotSupported
		case sigv4.ErrSkew:
			return awserr.RequestTimeTooSkewed
		case sigv4.ErrExpired:
			return awserr.PresignExpired
		case sigv4.ErrContentSHA256Mismatch:
			return awserr.XAmzContentSHA256Mismatch
		case sigv4.ErrIncompleteBody:
			return awserr.IncompleteBody
		case sigv4.ErrMissingContentSHA256:
			return awserr.InvalidRequestS3
		case sigv4.ErrBadContentSHA256:
			return awserr.InvalidArgument
		default:
			return awserr.SignatureDoesNotMatch
		}
	}
}

// BodyError maps an error met while reading a verified body (chunk
// signature, payload hash, truncation) to the S3 error, or returns nil when
// err is not a verification failure.
func BodyError(err error) *awserr.Error {
	if sigv4.KindOf(err) == "" {
		return nil
	}
	return mapError(err, S3)
}
