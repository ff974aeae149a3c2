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
//
// Setting a deadline costs a lock and a timer update in the runtime's
// poller, per Read (a 1 MiB body is hundreds of Reads), so the deadline
// is set with slack, to now+idle+slack, and moved only once slack has
// passed since it was last set: every pause is still allowed at least
// idle, and cut off within idle+slack.
type idleBody struct {
	io.ReadCloser
	rc    *http.ResponseController
	idle  time.Duration
	slack time.Duration
	set   time.Time // when the deadline was last moved; zero: never
	done  bool
	err   bool  // a Read failed (a stall, a reset): nothing more to wait for
	n     int64 // bytes read
}

// maxIdleSlack bounds how late a stalled body is cut off.
const maxIdleSlack = time.Second

// withIdleBody wraps r's body when it has one; the wrapper is inert where
// the connection cannot take deadlines. It returns the wrapper, nil if
// there is no body.
func withIdleBody(w http.ResponseWriter, r *http.Request, idle time.Duration) *idleBody {
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 || idle <= 0 {
		return nil
	}
	b := &idleBody{ReadCloser: r.Body, rc: http.NewResponseController(w), idle: idle,
		slack: min(idle/8, maxIdleSlack)}
	r.Body = b
	return b
}

func (b *idleBody) Read(p []byte) (int, error) {
	if !b.done {
		if now := time.Now(); b.set.IsZero() || now.Sub(b.set) >= b.slack {
			b.set = now
			b.rc.SetReadDeadline(now.Add(b.idle + b.slack))
		}
	}
	n, err := b.ReadCloser.Read(p)
	b.n += int64(n)
	if err == io.EOF && !b.done {
		b.done = true
		b.rc.SetReadDeadline(time.Time{})
	} else if err != nil {
		b.err = true
	}
	return n, err
}

// maxDrain bounds how much of a started body is read after the answer.
const maxDrain = 32 << 20

// drain reads the rest of a body the handler started on but answered
// before finishing (a 507 when the disk fills in the middle of a part).
// Left unread, net/http closes the connection while the client is still
// sending, and the client then often reads a reset instead of the answer.
// Only a body the handler had begun to accept (the caller was
// authenticated and authorized) and whose rest is at most maxDrain is
// read, each pause bounded as before; the answer is flushed first, so a
// client that stops sending on reading it ends the drain at once.
func (b *idleBody) drain(w http.ResponseWriter, declared int64) {
	if b == nil || b.done || b.err || b.set.IsZero() {
		return
	}
	if declared >= 0 && declared-b.n > maxDrain {
		return
	}
	_ = http.NewResponseController(w).Flush()
	_, _ = io.CopyN(io.Discard, b, maxDrain)
}
