package server

// What the access log, the metrics and the audit log need to know about a
// request is learnt deep inside it: who signed it (authentication), which
// access point and key it names and what was refused (authorization), how
// many bytes the handler read. The services only see a context, so the
// server puts one mutable reqInfo in it, set by the server's own hooks
// (authenticate*, authorize*). It lives inside the statusWriter, which is
// allocated per request anyway: recording costs no allocation.

import (
	"context"
	"io"
	"net/http"

	"github.com/fsxd/fsxd/auth"
	"github.com/fsxd/fsxd/awserr"
)

// reqInfo is one request's record. Only the request's own goroutine
// writes it, before the access log reads it.
type reqInfo struct {
	api         string
	outage      awserr.Code // the protocol's 503 while the store is down
	principal   *auth.Principal
	accessPoint string // the access point's name, once known
	key         string // the object key, once authorized
	action      string // the last action authorized, e.g. "s3:GetObject"
	resource    string // ... and its resource ARN
	body        countingBody
}

type infoKey struct{}

// withInfo puts the request's record in ctx; the store guard reads the
// protocol's outage error from it (info.outage).
func withInfo(ctx context.Context, info *reqInfo) context.Context {
	return context.WithValue(ctx, infoKey{}, info)
}

// infoFrom is the request's record, or a throwaway one when ctx has none
// (background jobs, tests calling hooks directly), so callers need not
// check.
func infoFrom(ctx context.Context) *reqInfo {
	if i, ok := ctx.Value(infoKey{}).(*reqInfo); ok {
		return i
	}
	return &reqInfo{}
}

// outageFrom is the error a store outage becomes in the protocol of the
// request in ctx; the zero Code outside requests.
func outageFrom(ctx context.Context) awserr.Code {
	if i, ok := ctx.Value(infoKey{}).(*reqInfo); ok {
		return i.outage
	}
	return awserr.Code{}
}

// countingBody counts what the handler reads of the request body and,
// for the control plane (whose bodies are small documents), keeps up to
// keepMax bytes of it for the audit log's requestParameters.
type countingBody struct {
	io.ReadCloser
	n       int64
	keep    []byte
	keepMax int
}

// maxAuditBody bounds what is kept of a control-plane body; a larger one
// is audited without its parameters.
const maxAuditBody = 64 << 10

// count wraps r's body; keep asks for a copy of its bytes as well.
func (b *countingBody) count(r *http.Request, keep bool) {
	if r.Body == nil || r.Body == http.NoBody {
		return
	}
	b.ReadCloser = r.Body
	if keep {
		b.keepMax = maxAuditBody
	}
	r.Body = b
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n += int64(n)
	if b.keepMax > 0 && n > 0 {
		if len(b.keep)+n > b.keepMax {
			b.keepMax, b.keep = -1, nil // too large: audited without parameters
		} else {
			b.keep = append(b.keep, p[:n]...)
		}
	}
	return n, err
}

// kept is the body as read, or nil when none was kept or it was too large.
func (b *countingBody) kept() []byte {
	if b.keepMax < 0 {
		return nil
	}
	return b.keep
}
