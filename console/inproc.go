package console

import (
	"bytes"
	"context"
	"io"
	"net/http"
)

// inproc is an http.RoundTripper that serves requests with the server's
// own handler, without a socket: the SDK signs, the API authorizes, exactly
// as for a remote client.
type inproc struct{ h http.Handler }

type remoteKey struct{}

// withRemote carries the browser's address, so the API sees the console
// user's source (the VPC rule, the access log), not the server's own.
func withRemote(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, remoteKey{}, addr)
}

func (p inproc) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	if r.Body == nil {
		r.Body = http.NoBody
	}
	if r.Host == "" {
		r.Host = r.URL.Host
	}
	r.RequestURI = r.URL.RequestURI()
	r.RemoteAddr, _ = req.Context().Value(remoteKey{}).(string)
	if r.RemoteAddr == "" {
		r.RemoteAddr = "127.0.0.1:0"
	}
	rec := &recorder{header: http.Header{}}
	p.h.ServeHTTP(rec, r)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	return &http.Response{
		Status: http.StatusText(rec.status), StatusCode: rec.status,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: rec.header, Body: io.NopCloser(&rec.body),
		ContentLength: int64(rec.body.Len()), Request: req,
	}, nil
}

// recorder buffers a response: the console only reads API answers that
// fit in memory (object bytes go browser to API directly, presigned).
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *recorder) Header() http.Header { return w.header }
func (w *recorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}
func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(b)
}
