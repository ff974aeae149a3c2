// Package server wires fsxd together: the store, authentication, the FSx
// control plane, S3 Control, the S3 data plane and the background loops,
// behind one listener. It is what cmd/fsxd and the end-to-end tests start.
package server

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/auth"
	"github.com/fsxd/fsxd/authz"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/awsjson"
	"github.com/fsxd/fsxd/fsxapi"
	"github.com/fsxd/fsxd/iamapi"
	"github.com/fsxd/fsxd/identity"
	"github.com/fsxd/fsxd/importpath"
	"github.com/fsxd/fsxd/internal/mountinfo"
	"github.com/fsxd/fsxd/secret"
	"github.com/fsxd/fsxd/store"
)

// api is one protocol front end behind the shared listener.
type api struct {
	name      string
	serve     func(w http.ResponseWriter, r *http.Request) error
	operation func(r *http.Request) string
	// refuse says how the API refuses a request before serve runs (a
	// body unreadable before authentication, no free slot); nil: as S3.
	refuse *refusals
	// outage is the error this protocol answers while the store is down
	// (storeguard.go): each front end's own 503.
	outage awserr.Code
}

func (a api) rules() *refusals {
	if a.refuse == nil {
		return s3Refusals
	}
	return a.refuse
}

// loop is a background job run every interval until shutdown.
type loop struct {
	name     string
	interval time.Duration
	run      func(ctx context.Context) error
}

// Server is a running fsxd.
type Server struct {
	cfg     Config
	log     *slog.Logger
	store   *store.Store
	account fsxd.Account
	auth    *auth.Authenticator
	root    rootCreds
	// rootGenerated: New made root's key (see RootCredentialsGenerated).
	rootGenerated bool
	metrics       *metrics
	slots         chan struct{}
	conns         *connLimit
	// bodyPool is shared by unauthenticated bodies (preauth.go).
	bodyPool *bodyPool
	// auditLog is nil without Config.AuditLog.
	auditLog *auditLog

	fsx       *awsjson.Mux
	fsxSvc    *fsxapi.Service
	imports   *importpath.Roots
	iamSvc    *iamapi.Service
	dir       *identity.Directory
	checker   *authz.Checker
	secrets   *secret.Box // the master key's: seals key secrets, digests passwords
	s3        api
	s3control api
	iam       api
	loops     []loop
	closers   []func() error

	ready    atomic.Bool
	storeErr atomic.Pointer[error]
	addr     string
	// metricsAddr is where --metrics-listen serves (listenMetrics).
	metricsAddr string

	// console is the web console (nil with Config.NoConsole).
	console http.Handler
}

// New opens the store and builds every service; it does not listen yet.
func New(cfg Config) (*Server, error) {
	cfg.setDefaults()
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return nil, err
	}
	imports, err := importpath.New(cfg.ImportRoots, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	m := newMetrics()
	st, err := openStore(cfg, &m.store)
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:      cfg,
		log:      cfg.Logger.With("node", cfg.NodeID),
		store:    st,
		account:  fsxd.Account{Partition: "aws", Region: cfg.Region, ID: cfg.AccountID},
		metrics:  m,
		slots:    make(chan struct{}, cfg.MaxConcurrent),
		bodyPool: newBodyPool(preAuthPool),
		fsx:      awsjson.NewMux("AWSSimbaAPIService_v20180301"),
		imports:  imports,
	}
	s.closers = append(s.closers, st.Close)
	if storeKind(cfg.StoreURL) == "postgres" {
		// Several nodes may share it, so flock locks must reach them all.
		// The volumes live under data-dir/fs, which may be a mount of its own.
		warnLocalLocks(s.log, append([]string{cfg.DataDir, filepath.Join(cfg.DataDir, "fs")}, cfg.ImportRoots...), mountinfo.Of)
	}
	maxConns, clamped := maxConnections(cfg.MaxConnections)
	if clamped {
		s.log.Warn("--max-connections lowered to half the open-file limit", "configured", cfg.MaxConnections, "max_connections", maxConns)
	}
	s.conns = newConnLimit(maxConns, m.reg)
	if cfg.AuditLog != "" {
		if s.auditLog, err = openAuditLog(cfg.AuditLog, s.log, m.reg); err != nil {
			st.Close()
			return nil, err
		}
		s.closers = append(s.closers, s.auditLog.close)
	}
	root, created, err := loadRootCreds(&cfg)
	if err != nil {
		st.Close()
		return nil, err
	}
	s.root, s.rootGenerated = root, created
	if err := s.wire(); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.wireConsole(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// ReopenAuditLog makes the audit log start a new file at its path, for
// rotation: the operator renames the file, then asks (fsxd: SIGHUP). Without
// an audit log it does nothing.
func (s *Server) ReopenAuditLog() error {
	if s.auditLog == nil {
		return nil
	}
	return s.auditLog.reopen()
}

// RootCredentials returns the root user's access key id and secret.
func (s *Server) RootCredentials() (string, string) {
	return s.root.AccessKeyID, s.root.SecretAccessKey
}

// RootCredentialsGenerated reports whether New made the root credentials
// (none configured, none stored). The caller decides whether to show them:
// a library writes nothing to the terminal.
func (s *Server) RootCredentialsGenerated() bool { return s.rootGenerated }

// Store exposes the metadata store (tests and tools).
func (s *Server) Store() *store.Store { return s.store }

// Addr is the bound address once Serve has started.
func (s *Server) Addr() string { return s.addr }

// Run listens and serves until ctx is cancelled, then drains in-flight
// requests (up to 30 s) and stops the background loops.
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return err
	}
	return s.Serve(ctx, ln)
}

// Serve is Run on an existing listener.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	s.addr = ln.Addr().String()
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ConnState:         s.conns.track,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	if s.cfg.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(s.cfg.TLSCert, s.cfg.TLSKey)
		if err != nil {
			return err
		}
		hs.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		ln = tls.NewListener(ln, hs.TLSConfig)
	}
	stopMetrics, err := s.listenMetrics()
	if err != nil {
		return err
	}
	defer stopMetrics()
	loopCtx, stopLoops := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	s.startLoops(loopCtx, &wg)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	s.ready.Store(true)
	s.log.Info("fsxd serving", "addr", s.addr, "metrics_addr", s.metricsAddr, "tls", s.cfg.TLSCert != "", "data_dir", s.cfg.DataDir, "region", s.cfg.Region, "account", s.cfg.AccountID, "enforcement", enforcementName(), "import_roots", s.cfg.ImportRoots)
	if s.cfg.Ready != nil {
		s.cfg.Ready(s.addr)
	}
	select {
	case err := <-errc:
		stopLoops()
		wg.Wait()
		return err
	case <-ctx.Done():
	}
	s.ready.Store(false)
	s.log.Info("fsxd draining")
	shutCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = hs.Shutdown(shutCtx)
	stopLoops()
	wg.Wait()
	if err == nil || errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

func (s *Server) startLoops(ctx context.Context, wg *sync.WaitGroup) {
	for _, l := range s.loops {
		wg.Add(1)
		go func(l loop) {
			defer wg.Done()
			t := time.NewTicker(l.interval)
			defer t.Stop()
			for {
				// While the store is down the jobs could only fail; the
				// store-health job itself must run to notice the recovery.
				if l.name == "store-health" || s.storeDown(awserr.ServiceUnavailable) == nil {
					if err := l.run(ctx); err != nil && ctx.Err() == nil {
						s.log.Warn("background job failed", "job", l.name, "err", err)
					}
				}
				select {
				case <-ctx.Done():
					return
				case <-t.C:
				}
			}
		}(l)
	}
}

// Close releases the store and every service.
func (s *Server) Close() error {
	var errs []error
	for i := len(s.closers) - 1; i >= 0; i-- {
		errs = append(errs, s.closers[i]())
	}
	return errors.Join(errs...)
}
