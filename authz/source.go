package authz

// Where a request came from, carried in its context for front ends whose
// authorization hook sees only a context (iamapi's Authorize): the server
// records it once per request, Check reads it when the Request doesn't say.

import "context"

// Source is what the transport knows about a request, for conditions
// (Source converts to it).
type Source struct {
	SourceIP        string
	SecureTransport bool
}

type sourceKey struct{}

// WithSource records the request's transport facts (auth.Info, converted) in ctx.
func WithSource(ctx context.Context, info Source) context.Context {
	return context.WithValue(ctx, sourceKey{}, info)
}

// SourceFrom returns what WithSource recorded.
func SourceFrom(ctx context.Context) (Source, bool) {
	info, ok := ctx.Value(sourceKey{}).(Source)
	return info, ok
}

// withSource fills req's SourceIP and SecureTransport from ctx when the
// caller left them unset.
func withSource(ctx context.Context, req Request) Request {
	if req.SourceIP != "" {
		return req
	}
	if info, ok := SourceFrom(ctx); ok {
		req.SourceIP, req.SecureTransport = info.SourceIP, info.SecureTransport
	}
	return req
}
