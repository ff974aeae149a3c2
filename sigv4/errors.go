package sigv4

import "errors"

// Kind classifies why a request failed verification. It is itself an error,
// so errors.Is(err, sigv4.ErrSkew) works on any *Error and on errors a Keys
// func wraps around ErrUnknownKey. The API layers map each Kind to the AWS
// code of their protocol; this package never names AWS codes.
type Kind string

func (k Kind) Error() string { return string(k) }

const (
	// ErrMissingAuth: neither an Authorization header nor a presigned query.
	ErrMissingAuth Kind = "missing authentication"
	// ErrMalformed: the Authorization header, presigned query, credential
	// scope, date or x-amz-content-sha256 cannot be understood, or the body
	// framing (aws-chunked) is broken.
	ErrMalformed Kind = "malformed authorization"
	// ErrSigV2: the request is signed with AWS Signature Version 2 (an
	// "AWS key:sig" header or AWSAccessKeyId/Signature/Expires in the query),
	// which fsxd, like S3 in every region opened since 2014, does not accept.
	ErrSigV2 Kind = "signature version 2 is not supported"
	// ErrUnknownKey: the access key id is not known to the Keys func.
	ErrUnknownKey Kind = "unknown access key"
	// ErrSignatureMismatch: the request signature does not verify.
	ErrSignatureMismatch Kind = "signature mismatch"
	// ErrSkew: header form, X-Amz-Date more than 15 minutes from now.
	ErrSkew Kind = "request time too skewed"
	// ErrExpired: presigned form, past X-Amz-Date+X-Amz-Expires, or dated
	// so far in the future that it is not valid yet.
	ErrExpired Kind = "request expired"
	// ErrContentSHA256Mismatch: the body does not hash to x-amz-content-sha256.
	ErrContentSHA256Mismatch Kind = "content sha256 mismatch"
	// ErrChunkSignature: an aws-chunked chunk or trailer signature does not
	// verify (AWS answers SignatureDoesNotMatch).
	ErrChunkSignature Kind = "chunk signature mismatch"
	// ErrIncompleteBody: the body ended early or its length disagrees with
	// x-amz-decoded-content-length.
	ErrIncompleteBody Kind = "incomplete body"
	// ErrWrongRegion: the credential scope names a region this endpoint
	// does not serve (Error.Got, Error.Want).
	ErrWrongRegion Kind = "wrong region"
	// ErrWrongService: the credential scope names another service than the
	// API the request was routed to (Error.Got, Error.Want).
	ErrWrongService Kind = "wrong service"
	// ErrMissingContentSHA256: an S3 request signed in its header carries
	// no x-amz-content-sha256 (S3: InvalidRequest).
	ErrMissingContentSHA256 Kind = "missing x-amz-content-sha256"
	// ErrBadContentSHA256: x-amz-content-sha256 is none of the values S3
	// knows (S3: InvalidArgument).
	ErrBadContentSHA256 Kind = "invalid x-amz-content-sha256"
	// ErrUnsignedHeaders: the request carries x-amz-* headers that
	// SignedHeaders does not list (Error.Unsigned). The server would obey
	// them, yet the signer never vouched for them.
	ErrUnsignedHeaders Kind = "unsigned headers"
)

// Error is the one error type of the package: a Kind for the API layer to
// map, and a message for the client or the log.
type Error struct {
	Kind Kind
	Msg  string
	// CanonicalRequest and StringToSign are set on ErrSignatureMismatch: S3
	// returns them in SignatureDoesNotMatch so a client can see where its
	// signer disagrees with ours. They hold nothing secret.
	CanonicalRequest string
	StringToSign     string
	// Got and Want are set on ErrWrongRegion and ErrWrongService: what the
	// credential scope says and what the endpoint expects.
	Got, Want string
	// Presigned is set on ErrWrongRegion, ErrWrongService and ErrMalformed
	// from a presigned query: S3 words the error differently for the
	// query form.
	Presigned bool
	// Unsigned lists, lower case and sorted, the headers of ErrUnsignedHeaders.
	Unsigned []string
}

func (e *Error) Error() string {
	if e.Msg == "" {
		return "sigv4: " + string(e.Kind)
	}
	return "sigv4: " + string(e.Kind) + ": " + e.Msg
}

// Unwrap exposes the Kind so errors.Is matches on it.
func (e *Error) Unwrap() error { return e.Kind }

// KindOf returns the Kind carried by err, or "" when err is not from this
// package (for example a Keys func's store failure: an internal error).
func KindOf(err error) Kind {
	var k Kind
	if errors.As(err, &k) {
		return k
	}
	return ""
}

func newErr(k Kind, msg string) *Error { return &Error{Kind: k, Msg: msg} }
