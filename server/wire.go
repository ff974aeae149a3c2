package server

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsxd/fsxd/accesspoint"
	"github.com/fsxd/fsxd/auth"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/fsxapi"
	"github.com/fsxd/fsxd/s3api"
	"github.com/fsxd/fsxd/store"
	"github.com/fsxd/fsxd/store/postgres"
	"github.com/fsxd/fsxd/store/sqlite"
	"github.com/fsxd/fsxd/volume"
)

// openStore picks the backend by the URL's scheme, as documented for --store,
// and guards it (storeguard.go).
func openStore(cfg Config, waits *waitCounter) (*store.Store, error) {
	b, err := openBackend(cfg)
	if err != nil {
		return nil, err
	}
	return store.New(guardedBackend{Backend: b, waits: waits}), nil
}

func openBackend(cfg Config) (store.Backend, error) {
	u := cfg.StoreURL
	switch {
	case u == "":
		return sqlite.Open(filepath.Join(cfg.DataDir, "fsxd.db"))
	case strings.HasPrefix(u, "sqlite://"):
		return sqlite.Open(strings.TrimPrefix(u, "sqlite://"))
	case strings.HasPrefix(u, "postgres://"), strings.HasPrefix(u, "postgresql://"):
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		return postgres.Open(ctx, u, postgres.Options{})
	}
	//lint:ignore ST1005 the message ends with an example URL, not punctuation; the CLI prints it as is
	return nil, fmt.Errorf("--store %q: want sqlite:///path or postgres://...", u)
}

// wire builds the services and registers them with the router.
func (s *Server) wire() error {
	s.loops = append(s.loops, loop{name: "store-health", interval: storeCheckEvery, run: s.checkStore})
	if err := s.wireIdentity(); err != nil {
		return err
	}
	fsxSvc := fsxapi.New(fsxapi.Config{Store: s.store, Account: s.account, DataDir: s.cfg.DataDir,
		Now: s.cfg.Now, LifecycleDelay: s.cfg.LifecycleDelay, Logger: s.log, Imports: s.imports, BackupDir: s.cfg.BackupDir,
		NoAutomaticBackups: s.cfg.NoAutomaticBackups, Mask: fsxapi.DigestMask(s.secrets), MaxCopies: s.cfg.MaxCopies})
	s.fsxSvc = fsxSvc
	fsxSvc.Register(s.fsx)
	s.loops = append(s.loops, loop{name: "fsx-reconcile", interval: s.cfg.ReconcileInterval, run: fsxSvc.Reconcile})

	aps := accesspoint.New(accesspoint.Config{Store: s.store, Account: s.account, DataDir: s.cfg.DataDir,
		Now: s.cfg.Now, LifecycleDelay: s.cfg.LifecycleDelay, VPCs: s.cfg.VPCs, Logger: s.log,
		Authenticate: s.authenticateS3, Authorize: s.authorizeS3Control, Volumes: s.volumeOptions(),
		Imports: s.imports, Bind: s.dir.Bind})
	aps.Register(s.fsx)
	s.s3control = api{name: "s3control", serve: aps.ServeS3Control, operation: aps.Operation, outage: awserr.ServiceUnavailable}
	s.loops = append(s.loops,
		loop{name: "attachment-reconcile", interval: s.cfg.ReconcileInterval, run: aps.Reconcile},
		loop{name: "attachment-health", interval: s.cfg.HealthInterval, run: aps.HealthCheck})
	s.closers = append(s.closers, aps.Close)

	data := s3api.New(s3api.Config{Resolver: aps.Resolver(), Authenticate: s.authenticateS3, Authorize: s.authorizeS3,
		Domains: s.cfg.Domains, Extensions: s.cfg.S3Extensions, UploadMaxAge: s.cfg.UploadMaxAge,
		Now: s.cfg.Now, Logger: s.log})
	s.s3 = api{name: "s3", serve: data.Serve, operation: data.Operation, outage: awserr.ServiceUnavailable}
	s.loops = append(s.loops, loop{name: "upload-expiry", interval: time.Hour, run: data.Expire})
	s.loops = append(s.loops, loop{name: "temp-clean", interval: time.Hour, run: s.cleanTemp})
	return nil
}

// authenticateS3 verifies an S3 or S3 Control request; errors are in S3's
// vocabulary.
func (s *Server) authenticateS3(r *http.Request) (*auth.Principal, error) {
	p, _, err := s.auth.Authenticate(r, auth.S3)
	if err != nil {
		return nil, err
	}
	infoFrom(r.Context()).principal = p
	return p, nil
}

// volumeOptions are the options every access point's volume is opened with.
// In user-space enforcement what an identity creates belongs to the server,
// so the identity has only the "other" bits on it: without NoUmask it could
// not write into a directory it made or replace its own object.
func (s *Server) volumeOptions() volume.Options {
	o := volume.Options{Umask: s.cfg.Umask, NoFsync: s.cfg.NoFsync}
	if s.cfg.Umask == 0 || volume.DetectEnforcement() != volume.Kernel {
		o.Umask = volume.NoUmask
	}
	return o
}

func enforcementName() string {
	if volume.DetectEnforcement() == volume.Kernel {
		return "kernel"
	}
	return "userspace"
}
