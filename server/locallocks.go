package server

import (
	"log/slog"

	"github.com/fsxd/fsxd/internal/mountinfo"
)

// warnLocalLocks warns, for each path whose file system keeps flock locks
// on this machine (an NFS mount with nolock or local_lock=flock|all), that
// the guarantees resting on them hold within this node only: one end per
// multipart upload, If-Match writes and deletes, the temp-file sweep
// (docs/deployment.md, "Few locks, and only flock"). It warns and goes on:
// one node alone is still right, and the mount is the operator's to fix.
func warnLocalLocks(log *slog.Logger, paths []string, of func(string) (mountinfo.Mount, error)) {
	warned := map[string]bool{} // one line per mount
	for _, p := range paths {
		m, err := of(p)
		if err != nil {
			continue // not there yet (made on first use), or no /proc: nothing to say
		}
		if why := m.LocalFlock(); why != "" && !warned[m.Dev] {
			warned[m.Dev] = true
			log.Warn("flock locks on this file system are not seen by other nodes: with several nodes, cross-node locks hold within each node only; remount it with local_lock=none",
				"path", p, "mount", m.Point, "why", why)
		}
	}
}
