package s3api

import (
	"encoding/xml"
	"net/http"
	"time"

	"github.com/fsxd/fsxd/awserr"
)

// How long a CompleteMultipartUpload may work before the response starts,
// and how often whitespace is sent after that. Variables for tests.
var (
	keepAliveDelay = 10 * time.Second
	keepAliveEvery = 10 * time.Second
)

// keepAlive answers a long CompleteMultipartUpload as S3 does: once the
// work outlasts keepAliveDelay, the 200 status and the XML declaration go
// out, then a space every keepAliveEvery, so that neither proxies nor
// clients time out; the outcome, the result or an <Error> document,
// follows in the same 200 body, which SDKs know to inspect.
type keepAlive struct {
	w       http.ResponseWriter
	started bool
	done    chan struct{}
	stopped chan struct{}
}

func startKeepAlive(w http.ResponseWriter) *keepAlive {
	ka := &keepAlive{w: w, done: make(chan struct{}), stopped: make(chan struct{})}
	go ka.run()
	return ka
}

func (ka *keepAlive) run() {
	defer close(ka.stopped)
	t := time.NewTimer(keepAliveDelay)
	defer t.Stop()
	for {
		select {
		case <-ka.done:
			return
		case <-t.C:
		}
		if !ka.started {
			ka.w.Header().Set("Content-Type", "application/xml")
			ka.w.WriteHeader(http.StatusOK)
			ka.w.Write([]byte(xml.Header))
			ka.started = true
		} else {
			ka.w.Write([]byte(" "))
		}
		http.NewResponseController(ka.w).Flush()
		t.Reset(keepAliveEvery)
	}
}

// stop ends the ticking and reports whether the response has started.
func (ka *keepAlive) stop() bool {
	close(ka.done)
	<-ka.stopped
	return ka.started
}

func (ka *keepAlive) finish(rq *request, v any) error {
	if !ka.stop() {
		return writeXML(rq.w, v)
	}
	_, err := rq.w.Write(marshalXML(v)[len(xml.Header):])
	return err
}

// fail reports err in the started body; the caller's access log still
// gets err.
func (ka *keepAlive) fail(rq *request, err error) error {
	if !ka.stop() {
		return err
	}
	e := awserr.From(err, awserr.InternalError)
	b := awserr.MarshalXML(e, rq.r.URL.Path, awserr.RequestID(rq.ctx()))
	rq.w.Write(b[len(xml.Header):])
	return err
}
