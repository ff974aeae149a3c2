package awserr

import (
	"context"
	"crypto/rand"
)

type reqIDKey struct{}

// NewRequestID returns a fresh request id (16 upper-case hex digits, as S3 uses).
func NewRequestID() string {
	var b [8]byte
	rand.Read(b[:])
	const digits = "0123456789ABCDEF"
	out := make([]byte, 16)
	for i, c := range b {
		out[2*i], out[2*i+1] = digits[c>>4], digits[c&15]
	}
	return string(out)
}

// WithRequestID stores the request id in ctx; the server does it once per request.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, reqIDKey{}, id)
}

// RequestID returns the request id stored in ctx, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(reqIDKey{}).(string)
	return id
}
