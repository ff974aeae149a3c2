package volume

// Where file operations wait: the identity switch (kernel enforcement's
// per-thread credentials, runas.go) and fsync. The counters are
// process-wide because both are: every volume of every server in the
// process shares the threads and the disks. The server exports them as
// metrics; two atomic adds and a clock read per event, no allocation.

import (
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// WaitStat is how often something was waited for and for how long in all.
type WaitStat struct {
	Count int64
	Total time.Duration
}

type waitCounter struct{ n, ns atomic.Int64 }

func (w *waitCounter) since(start time.Time) {
	w.ns.Add(int64(time.Since(start)))
	w.n.Add(1)
}

func (w *waitCounter) stat() WaitStat {
	return WaitStat{Count: w.n.Load(), Total: time.Duration(w.ns.Load())}
}

var identitySwitches, fsyncs waitCounter

// IdentitySwitchWaits is the time spent taking an access point identity's
// credentials on a thread and giving the server's back.
func IdentitySwitchWaits() WaitStat { return identitySwitches.stat() }

// FsyncWaits is the time spent in fsync of files and directories.
func FsyncWaits() WaitStat { return fsyncs.stat() }

// fsync is unix.Fsync, timed.
func fsync(fd int) error {
	start := time.Now()
	err := unix.Fsync(fd)
	fsyncs.since(start)
	return err
}

// syncer is an *os.File (or a file under test).
type syncer interface{ Sync() error }

// syncFile is f.Sync, timed.
func syncFile(f syncer) error {
	start := time.Now()
	err := f.Sync()
	fsyncs.since(start)
	return err
}
