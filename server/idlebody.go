package server

import (
	"io"
	"net/http"
	"time"
)

// idleBody bounds every pause of a request body (S3 answers a stalled
// upload with 400 RequestTimeout): before each Read the connection's read
// deadline moves to now+idle. At the body's end the deadline is cleared,
// so that net/http's background read (which watches for the client
// leaving while a long handler runs, e.g. a large CompleteMultipartUpload)
// cannot time out and cancel the request. After an error it stays: the
// rest of a stalled body, which net/http reads before replying, must not
// be waited for again.
type idleBody struct {
	io.ReadCloser
	rc   *http.ResponseController
	idle time.Duration
	done bool
}

// withIdleBody wraps r's body when it has one; the wrapper is inert where
// the connection cannot take deadlines.
func withIdleBody(w http.ResponseWriter, r *http.Request, idle time.Duration) {
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 || idle <= 0 {
		return
	}
	r.Body = &idleBody{ReadCloser: r.Body, rc: http.NewResponseController(w), idle: idle}
}

func (b *idleBody) Read(p []byte) (int, error) {
	if !b.done {
		b.rc.SetReadDeadline(time.Now().Add(b.idle))
	}
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF && !b.done {
		b.done = true
		b.rc.SetReadDeadline(time.Time{})
	}
	return n, err
}
