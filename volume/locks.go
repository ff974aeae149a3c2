package volume

import (
	"sync"

	"golang.org/x/sys/unix"
)

// busyDirs counts the Writers (and directory walks of makeParents) that
// will link an entry into each directory, so that pruning (which removes
// empty Implicit directories) leaves such a directory alone. Check and
// removal are one step under mu (removeIdle), and hold marks a directory
// only while it still exists, under the same mu: within this process a
// held directory is never pruned, and a directory pruned first cannot be
// held. Another node (or a user beside S3) may still remove it; the
// retries in makeParents, Writer.start and Writer.install cover that.
type busyDirs struct {
	mu sync.Mutex
	m  map[dirID]int
}

type dirID struct{ dev, ino uint64 }

// hold marks the directory fd busy until release is called. ok is false,
// and nothing is held, when the directory has been removed.
func (b *busyDirs) hold(fd int) (release func(), ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.holdLocked(fd)
}

func (b *busyDirs) holdLocked(fd int) (release func(), ok bool) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil || st.Nlink == 0 {
		return nil, false
	}
	id := dirID{st.Dev, st.Ino}
	if b.m == nil {
		b.m = map[dirID]int{}
	}
	b.m[id]++
	return func() {
		b.mu.Lock()
		if b.m[id]--; b.m[id] == 0 {
			delete(b.m, id)
		}
		b.mu.Unlock()
	}, true
}

// makeHeld runs mkdir, which makes a directory and opens it, and holds
// what it opened, in one step under mu: removeIdle cannot remove the
// directory between its making and its hold.
func (b *busyDirs) makeHeld(mkdir func() (int, error)) (fd int, release func(), err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if fd, err = mkdir(); err != nil {
		return -1, nil, err
	}
	release, ok := b.holdLocked(fd)
	if !ok {
		unix.Close(fd)
		return -1, nil, unix.ENOENT // removed by another node already
	}
	return fd, release, nil
}

// removeIdle calls rmdir, which removes the directory st describes, unless
// that directory is held, and reports whether it was removed.
func (b *busyDirs) removeIdle(st *unix.Stat_t, rmdir func() bool) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.m[dirID{st.Dev, st.Ino}] > 0 {
		return false // an upload will link a file into it
	}
	return rmdir()
}
