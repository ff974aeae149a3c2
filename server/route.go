package server

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/fsxd/fsxd/auth"
	"github.com/fsxd/fsxd/authz"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/awsjson"
	"github.com/fsxd/fsxd/sigv4"
)

// statusWriter remembers the status for the access log and metrics, and
// the operation when the API names it while serving (SetOperation), so
// the log need not route the request a second time.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
	op     string
	info   reqInfo // reqinfo.go
}

// SetOperation records the operation's name for the access log.
func (w *statusWriter) SetOperation(op string) { w.op = op }

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController and io.Copy's ReaderFrom (sendfile)
// reach the real connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// ReadFrom keeps the sendfile path open for GETs: net/http's response
// implements io.ReaderFrom and uses sendfile for an *os.File source.
func (w *statusWriter) ReadFrom(src io.Reader) (int64, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := io.Copy(w.ResponseWriter, src)
	w.bytes += n
	return n, err
}

// ServeHTTP routes by request shape: internal paths, X-Amz-Target (FSx),
// S3 Control paths, the SigV4 scope's service (IAM, STS), else S3.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	continueEmpty(w, r) // before any header is set: a 100 carries them
	if strings.HasPrefix(r.URL.Path, "/_fsxd/") {
		s.serveInternal(w, r)
		return
	}
	start := time.Now()
	id := awserr.NewRequestID()
	// Canonical keys assigned directly: Set would canonicalise (and
	// allocate) each; the three ids share one never-modified slice.
	h, ids := w.Header(), []string{id}
	h["X-Amz-Request-Id"] = ids
	h["X-Amzn-Requestid"] = ids
	h["X-Amz-Id-2"] = ids
	h["Server"] = serverHeader
	a := s.pick(r)
	sw := &statusWriter{ResponseWriter: w}
	sw.info.api, sw.info.outage = a.name, a.outage
	ctx := withInfo(awserr.WithRequestID(r.Context(), id), &sw.info)
	r = r.WithContext(authz.WithSource(ctx, authz.Source(auth.Info(r, s.cfg.TrustProxy))))
	done, err := s.preread(sw, r, a.rules())
	if err != nil {
		err = s.answerPreread(sw, r, a, err)
		s.cutUnreadBody(sw, r, nil)
	} else {
		err = s.serveInSlot(sw, r, a, done != nil)
	}
	if done != nil {
		done()
	}
	s.logRequest(r, a, sw, err, id, time.Since(start))
}

// serveInSlot serves r if a --max-concurrent slot is free, else answers
// 503. buffered says preread has read the body already.
func (s *Server) serveInSlot(w *statusWriter, r *http.Request, a api, buffered bool) error {
	var ib *idleBody
	select {
	case s.slots <- struct{}{}:
	default:
		err := s.overloaded(w, r, a)
		if !buffered {
			s.cutUnreadBody(w, r, nil)
		}
		return err
	}
	defer func() { <-s.slots }()
	s.metrics.inflight.Inc()
	defer s.metrics.inflight.Dec()
	if !buffered {
		ib = withIdleBody(w, r, s.cfg.BodyIdleTimeout)
	}
	w.info.body.count(r, a.name != "s3")
	err := s.refuseWhileDown(w, r, a)
	if err == nil {
		err = a.serve(w, r)
	}
	if !buffered {
		ib.drain(w, r.ContentLength)
		s.cutUnreadBody(w, r, ib)
	}
	return err
}

func (s *Server) overloaded(w http.ResponseWriter, r *http.Request, a api) error {
	rf := a.rules()
	e := rf.busy.Err("")
	rf.write(w, r, e)
	return e
}

func (s *Server) pick(r *http.Request) api {
	if r.Header.Get("X-Amz-Target") != "" {
		return s.fsxAPI()
	}
	if strings.HasPrefix(r.URL.Path, "/v20180820/") && s.s3control.serve != nil {
		return s.s3control
	}
	_, _, svc, scoped := sigv4.ParseScope(r)
	switch {
	case scoped && svc == "fsx" && r.Method == http.MethodPost && r.URL.Path == "/":
		// No target, yet signed for fsx: the JSON front end names what is missing.
		return s.fsxAPI()
	case scoped && (svc == "iam" || svc == "sts") && s.iam.serve != nil:
		return s.iam
	}
	if s.s3.serve == nil {
		return api{name: "s3", serve: notServed, operation: func(*http.Request) string { return "" }, outage: awserr.ServiceUnavailable}
	}
	return s.s3
}

func (s *Server) fsxAPI() api {
	return api{name: "fsx", serve: s.serveFSx, operation: s.fsx.Operation, outage: awserr.ServiceUnavailableJSON, refuse: fsxRefusals}
}

func notServed(w http.ResponseWriter, r *http.Request) error {
	e := awserr.NotImplemented.Err("This API is not served by this fsxd.")
	awserr.WriteXML(w, r, e, r.URL.Path, awserr.RequestID(r.Context()))
	return e
}

// serveFSx authenticates, then hands the request to the JSON mux.
func (s *Server) serveFSx(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.auth.Authenticate(r, auth.JSON)
	if err != nil {
		awsjson.WriteError(w, err)
		return err
	}
	infoFrom(r.Context()).principal = p
	r = r.WithContext(auth.WithPrincipal(r.Context(), p))
	return s.fsx.Serve(w, r)
}

var serverHeader = []string{"fsxd"}

// fsxRefusals: FSx answers an unreadable body as its JSON front end does.
var fsxRefusals = &refusals{max: awsjson.MaxBody,
	tooLarge:   func() error { return awsjson.ErrBodyTooLarge() },
	unreadable: func(err error) error { return awsjson.ErrBodyUnreadable(err) },
	busy:       awserr.ServiceUnavailableJSON,
	write:      func(w http.ResponseWriter, _ *http.Request, err error) { awsjson.WriteError(w, err) },
}

// maxInternalBody bounds the body of a request to /_fsxd/: console forms
// carry at most a policy document (20 KB); object bytes go to S3.
const maxInternalBody = 1 << 20

// serveInternal serves the console, health and metrics. A body is capped
// and must arrive within PreAuthBodyTimeout: the console's sign-in reads
// one before anyone is authenticated, and what nobody reads is cut off.
func (s *Server) serveInternal(w http.ResponseWriter, r *http.Request) {
	if r.Body != nil && r.Body != http.NoBody {
		r.Body = http.MaxBytesReader(w, r.Body, maxInternalBody)
		http.NewResponseController(w).SetReadDeadline(time.Now().Add(s.cfg.PreAuthBodyTimeout))
	}
	if r.URL.Path == "/_fsxd/console" || strings.HasPrefix(r.URL.Path, "/_fsxd/console/") {
		s.serveConsole(w, r)
		return
	}
	switch r.URL.Path {
	case "/_fsxd/health":
		s.serveHealth(w, r)
	case "/_fsxd/metrics":
		if s.cfg.MetricsListen != "" { // served on its own listener only
			http.NotFound(w, r)
			return
		}
		s.metricsHandler().ServeHTTP(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (s *Server) serveHealth(w http.ResponseWriter, r *http.Request) {
	body := map[string]any{"status": "ok", "store": "ok", "enforcement": enforcementName(), "node": s.cfg.NodeID}
	code := http.StatusOK
	if !s.ready.Load() {
		body["status"], code = "starting", http.StatusServiceUnavailable
	}
	if err := s.probeStore(r.Context()); err != nil {
		body["status"], body["store"], code = "unhealthy", err.Error(), http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(body)
}
