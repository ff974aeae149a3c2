// Package reap frees replaced files' blocks after the reply, not before.
//
// Renaming a new file over a large one frees the old one's blocks inside
// the rename, and on a file system mounted with `discard` (ext4 without a
// journal) the rename also waits for the device to discard them: 145 ms
// for 256 MiB on the bench disk, in the CompleteMultipartUpload or PUT
// that replaced it. A file still open when its last name goes is freed
// at its last close instead. So a writer opens the file it is about to
// replace (O_PATH, Pin) and hands the fd here (Put) once the rename is
// done; one goroutine closes such fds in turn, after the writer has
// answered.
//
// Space so held comes back a little later than the rename. A write that
// finds no space while some is held waits for it to be given back and
// tries again once (Write), so a full disk refuses nothing that the
// inline free would have let through; on another node sharing the file
// system the delay is the close's, bounded by Max pending closes.
package reap

import (
	"errors"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// Min is the smallest file worth a deferred free: below it the rename's
// own free costs less than the open and the hand-off.
const Min = 8 << 20

// Max bounds the fds waiting to be closed; past it Put closes at once,
// so a burst of replacements slows its writers instead of holding space.
const Max = 16

var q = struct {
	sync.Mutex
	changed  sync.Cond // broadcast when fds empties, a close ends or a hold is released
	fds      []int
	running  bool
	held     int // Hold calls not yet released
	draining int // Drain calls waiting
}{}

// closed counts the fds closed so far (read on every write: no lock).
var closed atomic.Uint64

func init() { q.changed.L = &q.Mutex }

// Pin opens name in dirfd for Put when it is a regular file of at least
// Min bytes (size, from the caller's stat), else returns -1. The fd is
// O_PATH: it reads nothing and cannot be used to write.
func Pin(dirfd int, name string, regular bool, size int64) int {
	if !regular || size < Min {
		return -1
	}
	fd, err := unix.Openat(dirfd, name, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1
	}
	return fd
}

// Put closes fd (from Pin; -1 is ignored) soon, on another goroutine.
func Put(fd int) {
	if fd < 0 {
		return
	}
	q.Lock()
	if len(q.fds) >= Max {
		q.Unlock()
		unix.Close(fd)
		closed.Add(1)
		return
	}
	q.fds = append(q.fds, fd)
	if !q.running {
		q.running = true
		go closeAll()
	}
	q.Unlock()
}

func closeAll() {
	q.Lock()
	defer q.Unlock()
	for len(q.fds) > 0 {
		for q.held > 0 {
			q.changed.Wait()
		}
		fd := q.fds[0]
		q.fds = q.fds[1:]
		q.Unlock()
		unix.Close(fd)
		closed.Add(1)
		q.Lock()
	}
	q.running = false
	q.changed.Broadcast()
}

// Closed is how many fds handed to Put have been closed so far.
func Closed() uint64 { return closed.Load() }

// Drain waits until every fd handed to Put is closed and returns Closed.
func Drain() uint64 {
	q.Lock()
	defer q.Unlock()
	q.draining++
	q.changed.Broadcast()
	for len(q.fds) > 0 || q.running {
		q.changed.Wait()
	}
	q.draining--
	return closed.Load()
}

// Hold makes every close wait until release is called, so that a test of
// a writer can have a replaced file's space still held when it needs it.
func Hold() (release func()) {
	q.Lock()
	q.held++
	q.Unlock()
	return sync.OnceFunc(func() {
		q.Lock()
		q.held--
		q.changed.Broadcast()
		q.Unlock()
	})
}

// Draining is how many callers wait in Drain now (for tests, with Hold).
func Draining() int {
	q.Lock()
	defer q.Unlock()
	return q.draining
}

// NoSpace reports whether err is the file system's ENOSPC or EDQUOT.
func NoSpace(err error) bool {
	return errors.Is(err, unix.ENOSPC) || errors.Is(err, unix.EDQUOT)
}

// Write writes b with write, which continues where the last call
// stopped (a file's Write, or a WriteAt that advances its offset). When
// the file system has no space while some is held here, it waits for it
// (Drain) and writes the rest once more.
func Write(b []byte, write func([]byte) (int, error)) (int, error) {
	before := Closed()
	n, err := write(b)
	if err != nil && Retry(before, err) {
		m, err := write(b[n:])
		return n + m, err
	}
	return n, err
}

// Retry reports whether an operation that failed with err, having begun
// when Closed was before, should be tried once more: the file system had
// no space, and space held here has come back since it began (Drain
// waits for what is still held).
func Retry(before uint64, err error) bool {
	return NoSpace(err) && Drain() > before
}
