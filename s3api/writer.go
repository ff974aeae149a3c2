package s3api

import (
	"io"
	"net/http"
	"sync"
)

// respWriter remembers whether the response has started, so Serve never
// writes an error document into the middle of an object. It keeps the
// io.ReaderFrom path of the writer below it, where net/http turns a copy
// from an *os.File into sendfile(2).
type respWriter struct {
	http.ResponseWriter
	wrote bool
}

func (w *respWriter) WriteHeader(code int) {
	w.wrote = true
	w.ResponseWriter.WriteHeader(code)
}

func (w *respWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

func (w *respWriter) ReadFrom(src io.Reader) (int64, error) {
	w.wrote = true
	if rf, ok := w.ResponseWriter.(io.ReaderFrom); ok {
		return rf.ReadFrom(src)
	}
	return io.Copy(writerOnly{w.ResponseWriter}, src)
}

// Flush lets long CompleteMultipartUpload responses send keep-alive
// whitespace.
func (w *respWriter) Flush() {
	w.wrote = true
	http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *respWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// writerOnly hides ReadFrom so io.Copy does not call it back.
type writerOnly struct{ io.Writer }

func started(w http.ResponseWriter) bool {
	rw, ok := w.(*respWriter)
	return ok && rw.wrote
}

// bufSize is the unit of every body copy: large enough that a GiB object
// costs a few thousand reads, small enough that 1,000 concurrent requests
// hold 256 MiB at most.
const bufSize = 256 << 10

var bufPool = sync.Pool{New: func() any { b := make([]byte, bufSize); return &b }}

func getBuf() *[]byte  { return bufPool.Get().(*[]byte) }
func putBuf(b *[]byte) { bufPool.Put(b) }
