package fsxapi

// Copy jobs are claimed across the nodes of a cluster. Every node's
// reconciler sees the same CREATING snapshot (backup, restore, clone), and
// a copy writes to a fixed hidden name that the next attempt clears first,
// so two nodes copying at once would delete each other's work and publish
// what was left. A job is therefore run only under an exclusive flock on a
// file named by the job in the shared data directory, held until the job
// ends: a node that dies (kill -9 included) drops it, and a peer's next
// pass starts the job again. The locks need flock to work across nodes,
// as the multipart ends and conditional writes do (docs/deployment.md,
// "Few locks").

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// claims makes job claims under dir ("": claims always succeed, for a
// service without a data directory).
type claims struct{ dir string }

// claimsDir is where job claims live: hidden, beside the volumes.
func claimsDir(dataDir string) string {
	if dataDir == "" {
		return ""
	}
	return filepath.Join(dataDir, ".fsxd-jobs")
}

func (c claims) path(id string) string {
	return filepath.Join(c.dir, strings.ReplaceAll(id, "/", "-")+".lock")
}

// take claims job id; release ends the claim. ok is false when another
// process holds it, or when the lock file cannot be made (a later pass
// tries again). Where the file system offers no locks at all, the job
// runs unclaimed, as before claims existed: one node alone is still
// right.
func (c claims) take(id string) (release func(), ok bool) {
	if c.dir == "" {
		return func() {}, true
	}
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return nil, false
	}
	p := c.path(id)
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, false
	}
	switch err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); {
	case errors.Is(err, unix.EWOULDBLOCK):
		f.Close()
		return nil, false
	case err != nil:
		f.Close()
		return func() {}, true
	}
	if !samePath(f, p) {
		// The holder before us removed the file between our open and our
		// lock: the claim is on a name nobody else will find.
		f.Close()
		return nil, false
	}
	return func() {
		os.Remove(p) // still holding the lock, so nobody is left claiming the unlinked file
		f.Close()
	}, true
}

// heldElsewhere reports whether another process (or another claim of this
// one) holds job id.
func (c claims) heldElsewhere(id string) bool {
	if c.dir == "" {
		return false
	}
	f, err := os.OpenFile(c.path(id), os.O_RDWR, 0)
	if err != nil {
		return false
	}
	defer f.Close()
	return errors.Is(unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB), unix.EWOULDBLOCK)
}

// samePath reports whether path still names the file f has open.
func samePath(f *os.File, path string) bool {
	var open, named unix.Stat_t
	if unix.Fstat(int(f.Fd()), &open) != nil || unix.Stat(path, &named) != nil {
		return false
	}
	return open.Dev == named.Dev && open.Ino == named.Ino
}
