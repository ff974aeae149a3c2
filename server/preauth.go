package server

// Bodies read before authentication. FSx, IAM and STS clients sign a hash
// of the body without sending it, so the body must be read before the
// signature can be checked: until then anyone who knows an access key id
// (not its secret) can make the server hold what they send. What bounds
// it:
//   - the body is read before the request takes a --max-concurrent slot,
//     so clients that stall cannot starve authenticated ones of slots;
//   - it is capped at the API's own body limit (1 MiB), and a larger
//     Content-Length is refused before anything is read;
//   - the whole body must arrive within PreAuthBodyTimeout;
//   - the buffer grows with what arrives, not with the declared length,
//     and beyond preAuthFree bytes it draws on one shared pool
//     (preAuthPool); when that is spent the request is refused with 503,
//     so N slow clients hold at most N*preAuthFree + preAuthPool bytes.

import (
	"errors"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/sigv4"
)

const (
	// preAuthFree is what every unauthenticated body may hold on its own:
	// ordinary FSx and IAM requests are a few KiB and never need more.
	preAuthFree = 8 << 10
	// preAuthPool is shared by the unauthenticated bodies larger than
	// preAuthFree (large IAM policies).
	preAuthPool = 8 << 20
)

// errPoolSpent refuses a body the shared pool cannot hold.
var errPoolSpent = errors.New("server: pre-authentication body pool spent")

// bodyPool counts the bytes of preAuthPool still free.
type bodyPool struct{ free atomic.Int64 }

func newBodyPool(n int64) *bodyPool {
	p := &bodyPool{}
	p.free.Store(n)
	return p
}

func (p *bodyPool) take(n int64) bool {
	if p.free.Add(-n) < 0 {
		p.free.Add(n)
		return false
	}
	return true
}

func (p *bodyPool) give(n int64) { p.free.Add(n) }

// refusals say how an API refuses a request before its handler runs: a
// body it cannot read before authentication, or no free slot.
type refusals struct {
	max        int64                 // the API's body limit
	tooLarge   func() error          // a body over max
	unreadable func(err error) error // a stalled or truncated body
	busy       awserr.Code           // no slot, or no room in the body pool
	write      func(w http.ResponseWriter, r *http.Request, err error)
}

// s3Refusals: requests routed to S3 or S3 Control but signed for another
// service (whose bodies sigv4 hashes) fail authentication anyway; these
// only say why the body was not read.
var s3Refusals = &refusals{
	max: sigv4.MaxHashedBody,
	tooLarge: func() error {
		return awserr.AuthorizationHeaderMalform.Err("The request body is too large to verify its signature.")
	},
	unreadable: func(err error) error { return awserr.IncompleteBody.Err("").Wrap(err) },
	busy:       awserr.SlowDown,
	write: func(w http.ResponseWriter, r *http.Request, err error) {
		awserr.WriteXML(w, r, awserr.From(err, awserr.InternalError), r.URL.Path, awserr.RequestID(r.Context()))
	},
}

// preread reads r's body when authentication must hash it, before the
// request takes a slot. It returns what to call once the request is done
// (giving back what the body drew from the pool; nil when no body was
// read) and, when the body could not be read, the error to answer with.
func (s *Server) preread(w http.ResponseWriter, r *http.Request, b *refusals) (done func(), err error) {
	if !sigv4.HashesBody(r) {
		return nil, nil
	}
	if r.ContentLength > b.max {
		return nil, b.tooLarge()
	}
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Now().Add(s.cfg.PreAuthBodyTimeout))
	var drawn int64
	done = func() { s.bodyPool.give(drawn) }
	err = sigv4.BufferBody(r, b.max, func(n int) error {
		need := max(int64(n)-preAuthFree, 0) - drawn
		if need > 0 && !s.bodyPool.take(need) {
			return errPoolSpent
		}
		drawn += max(need, 0)
		return nil
	})
	switch {
	case err == nil:
		rc.SetReadDeadline(time.Time{})
		return done, nil
	case errors.Is(err, errPoolSpent):
		return done, errPoolSpent
	case sigv4.KindOf(err) == sigv4.ErrMalformed: // BufferBody's only one: too long
		return done, b.tooLarge()
	}
	// A stalled or truncated body: the deadline stays, so that what is
	// left of it is not waited for again before the connection closes.
	return done, b.unreadable(err)
}

// answerPreread writes preread's error; the request never took a slot.
func (s *Server) answerPreread(w http.ResponseWriter, r *http.Request, a api, err error) error {
	if errors.Is(err, errPoolSpent) {
		return s.overloaded(w, r, a)
	}
	a.rules().write(w, r, err)
	return err
}

// cutUnreadBody bounds how long net/http, after the handler, may wait
// for the rest of a body nobody read (it reads up to 256 KiB of it before
// replying, to keep the connection): a request refused before its body
// was read, e.g. for a bad signature, must not let a stalled client hold
// the connection's goroutine and buffers indefinitely. A body read in
// part has its deadline from idleBody already.
func (s *Server) cutUnreadBody(w http.ResponseWriter, r *http.Request, ib *idleBody) {
	if r.ContentLength == 0 || r.Body == nil || r.Body == http.NoBody || (ib != nil && !ib.set.IsZero()) {
		return
	}
	http.NewResponseController(w).SetReadDeadline(time.Now().Add(s.cfg.PreAuthBodyTimeout))
}
