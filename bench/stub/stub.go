// Package stub is an in-memory S3 server: the ceiling fsxd is measured
// against. It answers the operations the benchmark uses (PUT, GET, HEAD,
// DELETE object, multipart upload, ListObjectsV2) with S3's routing and
// response shapes, keeps objects in memory, computes MD5 ETags like a real
// server and checks no signatures. Everything else is 501. It is meant to
// be honestly fast: no disk, no auth, but no shortcuts a real server could
// not take either (bodies are read and hashed in full).
package stub

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Server holds buckets, created on first use, and multipart uploads.
type Server struct {
	mu      sync.Mutex
	buckets map[string]*bucket
	uploads sync.Map // upload id -> *upload
	seq     atomic.Uint64
	now     func() time.Time
}

// New returns an empty stub.
func New() *Server {
	return &Server{buckets: map[string]*bucket{}, now: time.Now}
}

func (s *Server) bucket(name string) *bucket {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.buckets[name]
	if b == nil {
		b = &bucket{name: name, objects: map[string]*object{}}
		s.buckets[name] = b
	}
	return b
}

// ServeHTTP routes path-style requests (/bucket/key) the way S3 does: by
// level, method, then the subresource in the query.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := strconv.FormatUint(s.seq.Add(1), 16)
	w.Header().Set("x-amz-request-id", id)
	w.Header().Set("x-amz-id-2", id)
	name, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if name == "" {
		writeError(w, http.StatusNotImplemented, "NotImplemented", "ListBuckets is not implemented by the stub.")
		return
	}
	b := s.bucket(name)
	q := r.URL.Query()
	switch {
	case key == "" && r.Method == http.MethodGet && q.Get("list-type") == "2":
		b.list(w, q)
	case key == "" && r.Method == http.MethodHead:
		w.WriteHeader(http.StatusOK)
	case key == "":
		writeError(w, http.StatusNotImplemented, "NotImplemented", "The stub serves ListObjectsV2 only at bucket level.")
	case r.Header.Get("x-amz-copy-source") != "" || r.Header.Get("Range") != "" ||
		strings.HasPrefix(r.Header.Get("x-amz-content-sha256"), "STREAMING-"):
		writeError(w, http.StatusNotImplemented, "NotImplemented", "Copies, ranges and aws-chunked bodies are not implemented by the stub.")
	case r.Method == http.MethodPut && q.Has("uploadId"):
		s.uploadPart(w, r, q)
	case r.Method == http.MethodPost && q.Has("uploads"):
		s.createUpload(w, b.name, key)
	case r.Method == http.MethodPost && q.Has("uploadId"):
		s.completeUpload(w, r, b, key, q.Get("uploadId"))
	case r.Method == http.MethodDelete && q.Has("uploadId"):
		s.abortUpload(w, q.Get("uploadId"))
	case hasSubresource(q):
		writeError(w, http.StatusNotImplemented, "NotImplemented", "Subresources are not implemented by the stub.")
	case r.Method == http.MethodPut:
		b.put(w, r, key, s.now())
	case r.Method == http.MethodGet, r.Method == http.MethodHead:
		b.get(w, r, key)
	case r.Method == http.MethodDelete:
		b.delete(w, key)
	default:
		writeError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.")
	}
}

// writeError writes S3's XML error shape.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>%s</Code><Message>%s</Message><RequestId>%s</RequestId></Error>",
		code, escape(msg), w.Header().Get("x-amz-request-id"))
}

// hasSubresource reports a query naming something the stub does not do;
// x-id is the SDK's own operation marker, not a subresource.
func hasSubresource(q url.Values) bool {
	for k := range q {
		if k != "x-id" {
			return true
		}
	}
	return false
}
