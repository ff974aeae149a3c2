package server

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsxd/fsxd/fsxapi"
	"github.com/fsxd/fsxd/store"
	"github.com/fsxd/fsxd/store/postgres"
	"github.com/fsxd/fsxd/store/sqlite"
	"github.com/fsxd/fsxd/volume"
)

// openStore picks the backend by the URL's scheme, as documented for --store.
func openStore(cfg Config) (*store.Store, error) {
	u := cfg.StoreURL
	switch {
	case u == "":
		return openSQLite(filepath.Join(cfg.DataDir, "fsxd.db"))
	case strings.HasPrefix(u, "sqlite://"):
		return openSQLite(strings.TrimPrefix(u, "sqlite://"))
	case strings.HasPrefix(u, "postgres://"), strings.HasPrefix(u, "postgresql://"):
		return openPostgres(u)
	}
	return nil, fmt.Errorf("--store %q: want sqlite:///path or postgres://...", u)
}

func openSQLite(path string) (*store.Store, error) {
	b, err := sqlite.Open(path)
	if err != nil {
		return nil, err
	}
	return store.New(b), nil
}

func openPostgres(dsn string) (*store.Store, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b, err := postgres.Open(ctx, dsn, postgres.Options{})
	if err != nil {
		return nil, err
	}
	return store.New(b), nil
}

// wire builds the services and registers them with the router.
func (s *Server) wire() error {
	s.loops = append(s.loops, loop{name: "store-health", interval: time.Second, run: s.checkStore})
	fsxSvc := fsxapi.New(fsxapi.Config{Store: s.store, Account: s.account, DataDir: s.cfg.DataDir,
		Now: s.cfg.Now, LifecycleDelay: s.cfg.LifecycleDelay, Logger: s.log})
	fsxSvc.Register(s.fsx)
	s.loops = append(s.loops, loop{name: "fsx-reconcile", interval: s.cfg.ReconcileInterval, run: fsxSvc.Reconcile})
	return nil
}

// checkStore records whether the database answers, so requests can fail
// fast with 503 and health can say why.
func (s *Server) checkStore(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	err := s.store.Ping(ctx)
	s.storeErr.Store(&err)
	return err
}

func enforcementName() string {
	if volume.DetectEnforcement() == volume.Kernel {
		return "kernel"
	}
	return "userspace"
}
