// Package auth authenticates requests: it verifies SigV4 (package sigv4)
// against the root credentials and the IAM access keys, and names the
// principal. Deciding what the principal may do is package authz's job.
package auth

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/identity"
)

// Principal is who signed a request; it is the vocabulary's, named here
// for the callers of FromContext.
type Principal = fsxd.Principal

// KeyLookup finds an access key (identity.Directory.LookupKey); it returns
// identity.ErrUnknownKey or ErrUnknownKey when there is none.
type KeyLookup func(ctx context.Context, accessKeyID string) (identity.Credential, error)

type ctxKey struct{}

// WithPrincipal stores p in ctx.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// FromContext returns the authenticated principal, or nil.
func FromContext(ctx context.Context) *Principal {
	p, _ := ctx.Value(ctxKey{}).(*Principal)
	return p
}

// Clock returns the current time; tests pass a fixed one.
type Clock func() time.Time

// RequestInfo is what the transport knows about a request, for conditions.
type RequestInfo struct {
	SourceIP        string
	SecureTransport bool
}

// Info extracts RequestInfo; trustProxy decides whether X-Forwarded-For is
// believed. Only its last address is: the one the proxy in front of fsxd
// appended. Load balancers append to what the client sent, so any earlier
// entry, and any other header line, may be the client's own invention.
func Info(r *http.Request, trustProxy bool) RequestInfo {
	ip := r.RemoteAddr
	if i := lastColon(ip); i >= 0 {
		ip = ip[:i]
	}
	if len(ip) > 1 && ip[0] == '[' {
		ip = ip[1 : len(ip)-1]
	}
	if trustProxy {
		if fwd := r.Header.Values("X-Forwarded-For"); len(fwd) > 0 {
			if last := lastField(fwd[len(fwd)-1]); last != "" {
				ip = last
			}
		}
	}
	return RequestInfo{SourceIP: ip, SecureTransport: r.TLS != nil}
}

func lastColon(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == ':' {
			return i
		}
		if s[i] == ']' {
			return -1
		}
	}
	return -1
}

// lastField is the last comma-separated field of s, without spaces.
func lastField(s string) string {
	if i := strings.LastIndexByte(s, ','); i >= 0 {
		s = s[i+1:]
	}
	return strings.TrimSpace(s)
}
