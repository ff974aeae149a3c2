package server

// The access log: one line per request, in the logger's format (text or
// JSON, --log-format), saying who did what to which access point and key,
// how many bytes went each way and, for a refusal, which layer refused.
// The same facts feed the metrics and the audit log.

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/fsxd/fsxd/authz"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/volume"
)

// outcome is everything known about a request once it has been served.
type outcome struct {
	r      *http.Request
	a      api
	w      *statusWriter
	err    error
	id     string
	d      time.Duration
	op     string
	status int
	code   string // AWS error code, "" on success
}

func (s *Server) logRequest(r *http.Request, a api, w *statusWriter, err error, id string, d time.Duration) {
	if authz.IsDryRun(r.Context()) {
		return // the console's question, not a request: nothing was done
	}
	x := outcome{r: r, a: a, w: w, err: err, id: id, d: d, op: w.op, status: w.status}
	if x.op == "" {
		x.op = a.operation(r)
	}
	if x.status == 0 {
		x.status = http.StatusOK
	}
	if err != nil {
		x.code = awserr.From(err, awserr.InternalError).Code
	}
	s.metrics.observe(&x)
	s.audit(&x)
	s.accessLog(&x)
}

func (s *Server) accessLog(x *outcome) {
	level := slog.LevelInfo
	if x.status >= 500 {
		level = slog.LevelWarn
	}
	ctx := x.r.Context()
	if !s.log.Enabled(ctx, level) {
		return
	}
	info := &x.w.info
	// Attrs, not key-value pairs: no boxing of the numbers per request.
	var buf [20]slog.Attr
	attrs := append(buf[:0], slog.String("request_id", x.id), slog.String("api", x.a.name), slog.String("op", x.op),
		slog.String("method", x.r.Method), slog.Int("status", x.status),
		slog.Float64("latency_ms", float64(x.d.Microseconds())/1000),
		slog.Int64("bytes_in", info.body.n), slog.Int64("bytes", x.w.bytes),
		slog.String("remote", x.r.RemoteAddr))
	if info.accessPoint != "" {
		attrs = append(attrs, slog.String("access_point", info.accessPoint))
	}
	if info.key != "" {
		// slog quotes (text) or escapes (JSON) whatever a key holds, so a
		// key cannot forge a line or a field.
		attrs = append(attrs, slog.String("key", info.key))
	}
	if p := info.principal; p != nil {
		attrs = append(attrs, slog.String("caller", p.ARN), slog.String("access_key", p.AccessKeyID))
	}
	if x.err != nil {
		attrs = append(attrs, slog.String("code", x.code), slog.String("err", x.err.Error()))
		attrs = appendDenial(attrs, x.err, info)
	}
	s.log.LogAttrs(ctx, level, "request", attrs...)
}

// appendDenial adds what was refused and by which layer, when err is a
// refusal by a policy, the VPC rule or the file system.
func appendDenial(attrs []slog.Attr, err error, info *reqInfo) []slog.Attr {
	action, resource, layer, ok := denialOf(err, info)
	if !ok {
		return attrs
	}
	return append(attrs, slog.String("denied_action", action), slog.String("denied_resource", resource),
		slog.String("deny_layer", string(layer)))
}

// denialOf names the refusal in err: an authz.Denial carries its own
// facts; a file-system refusal (the access point's identity lacks the
// permission) is the last action authorized, on its resource.
func denialOf(err error, info *reqInfo) (action, resource string, layer authz.Layer, ok bool) {
	var d *authz.Denial
	if errors.As(err, &d) {
		return d.Action, d.Resource, d.Layer, true
	}
	if errors.Is(err, volume.ErrPermission) {
		return info.action, info.resource, authz.LayerFileSystem, true
	}
	return "", "", "", false
}
