package server

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/console"
	"github.com/fsxd/fsxd/store"
)

// consoleSampleEvery is how often the console reads the request and error
// counters for the server page's chart.
const consoleSampleEvery = 10 * time.Second

// wireConsole mounts the web console unless Config.NoConsole. It is given
// the server itself as its API: every console action is a signed request
// served by ServeHTTP, as a remote client's would be.
func (s *Server) wireConsole() error {
	if s.cfg.NoConsole {
		return nil
	}
	c, err := console.New(console.Config{API: s, Metrics: s.metricsHandler(), Region: s.cfg.Region, AccountID: s.cfg.AccountID,
		TLS: s.cfg.TLSCert != "", Version: s.cfg.Version, NodeID: s.cfg.NodeID,
		StoreKind: storeKind(s.cfg.StoreURL), Logger: s.log, Now: s.cfg.Now, Resolved: s.resolvedIdentity, VolumeDir: s.volumeDir})
	if err != nil {
		return err
	}
	s.console = c
	// A first sample now: the server page's chart has a point (up to the
	// moment it is read) from the start, not only after two intervals.
	c.Sample(context.Background())
	s.loops = append(s.loops, loop{name: "console-sample", interval: consoleSampleEvery, run: c.Sample})
	return nil
}

func storeKind(url string) string {
	if strings.HasPrefix(url, "postgres") {
		return "postgres"
	}
	return "sqlite"
}

// serveConsole answers /_fsxd/console/...; 404 when it is turned off.
func (s *Server) serveConsole(w http.ResponseWriter, r *http.Request) {
	if s.console == nil {
		http.NotFound(w, r)
		return
	}
	s.console.ServeHTTP(w, r)
}

// resolvedIdentity is the POSIX identity an attachment's file-system
// identity resolved to when it last became AVAILABLE, nil when unknown.
// FSx's Describe does not return it; the console shows it beside the
// attachment the user has just described.
func (s *Server) resolvedIdentity(ctx context.Context, accessPoint string) *fsxd.PosixIdentity {
	var id *fsxd.PosixIdentity
	_ = s.store.View(ctx, func(tx *store.Tx) error {
		if a, err := store.Attachments.In(tx).Get(accessPoint); err == nil {
			id = a.Resolved
		}
		return nil
	})
	return id
}

// volumeDir is the directory on disk that is a volume's root, "" when
// unknown: the console shows it to the account's root user.
func (s *Server) volumeDir(ctx context.Context, volumeID string) string {
	var dir string
	_ = s.store.View(ctx, func(tx *store.Tx) error {
		if v, err := store.Volumes.In(tx).Get(volumeID); err == nil {
			dir = v.Dir
		}
		return nil
	})
	return dir
}
