package volume

import (
	"sync"

	"golang.org/x/sys/unix"
)

// pathLocks serialises the read-check-replace steps of writers of one key
// within this process (conditional writes, tagging, delete).
type pathLocks struct {
	mu sync.Mutex
	m  map[string]*pathLock
}

type pathLock struct {
	mu   sync.Mutex
	refs int
}

func (l *pathLocks) lock(key string) func() {
	l.mu.Lock()
	if l.m == nil {
		l.m = map[string]*pathLock{}
	}
	pl := l.m[key]
	if pl == nil {
		pl = &pathLock{}
		l.m[key] = pl
	}
	pl.refs++
	l.mu.Unlock()
	pl.mu.Lock()
	return func() {
		pl.mu.Unlock()
		l.mu.Lock()
		if pl.refs--; pl.refs == 0 {
			delete(l.m, key)
		}
		l.mu.Unlock()
	}
}

// busyDirs counts the Writers that will link a file into each directory,
// so that pruning (which removes empty Implicit directories) leaves a
// directory alone while an upload into it is in flight. A prune that
// slips in before a Writer registers is caught by the retries in
// Writer.start and Writer.install.
type busyDirs struct {
	mu sync.Mutex
	m  map[dirID]int
}

type dirID struct{ dev, ino uint64 }

// hold marks the directory fd busy until release is called.
func (b *busyDirs) hold(fd int) (release func()) {
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil {
		return func() {}
	}
	id := dirID{st.Dev, st.Ino}
	b.mu.Lock()
	if b.m == nil {
		b.m = map[dirID]int{}
	}
	b.m[id]++
	b.mu.Unlock()
	return func() {
		b.mu.Lock()
		if b.m[id]--; b.m[id] == 0 {
			delete(b.m, id)
		}
		b.mu.Unlock()
	}
}

func (b *busyDirs) busy(st *unix.Stat_t) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.m[dirID{st.Dev, st.Ino}] > 0
}
