// Package dirsync is group commit for directory fsyncs, shared by the
// volume (PUT, DELETE) and the multipart staging area (UploadPart).
package dirsync

import (
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// Group commit of directory fsyncs. A PUT or DELETE is durable once its
// directory has been fsynced after its entry changed. Concurrent writers
// of one directory need not each pay an fsync: any fsync of the directory
// that *starts* after a writer's link, rename or unlink covers that
// change. So per directory one fsync runs at a time; a writer arriving
// while one is in flight (it may have started before the writer's change)
// waits for it to end, and the next fsync, started by one of the waiters,
// covers all who arrived meanwhile. No writer returns before an fsync
// that started after its arrival has finished, and each gets that
// fsync's error.

type dirKey struct{ dev, ino uint64 }

type dirGroup struct {
	mu                sync.Mutex
	cond              sync.Cond
	started, finished uint64 // fsyncs started and (the last) finished, numbered
	running           bool
	err               error // of the fsync numbered finished
	queued            int   // callers past their arrival (need set), under mu
	refs              int   // callers in Group, under dirGroups.mu
}

var dirGroups = struct {
	sync.Mutex
	m map[dirKey]*dirGroup
}{m: map[dirKey]*dirGroup{}}

// Fsyncs counts the fsyncs Group ran (benchmarks report it per op).
var Fsyncs atomic.Int64

// Group makes every change made so far to the directory open as fd
// durable, by running sync (an fsync of that directory) or by waiting
// for a run of it by another caller that started after this call did.
// A directory that cannot be identified is synced alone.
func Group(fd int, sync func() error) error {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		Fsyncs.Add(1)
		return sync()
	}
	k := dirKey{uint64(st.Dev), st.Ino}
	g := acquireGroup(k)
	defer releaseGroup(k, g)
	g.mu.Lock()
	defer g.mu.Unlock()
	need := g.started + 1 // the first fsync to start from now on
	g.queued++
	defer func() { g.queued-- }()
	for g.finished < need {
		if g.running {
			g.cond.Wait()
			continue
		}
		g.running = true
		g.started++
		n := g.started
		g.mu.Unlock()
		Fsyncs.Add(1)
		err := sync()
		g.mu.Lock()
		g.running, g.finished, g.err = false, n, err
		g.cond.Broadcast()
	}
	// finished ≥ need: the last fsync to finish started after we arrived.
	return g.err
}

func acquireGroup(k dirKey) *dirGroup {
	dirGroups.Lock()
	defer dirGroups.Unlock()
	g := dirGroups.m[k]
	if g == nil {
		g = &dirGroup{}
		g.cond.L = &g.mu
		dirGroups.m[k] = g
	}
	g.refs++
	return g
}

// releaseGroup forgets an idle directory, so the map holds only
// directories being synced right now.
func releaseGroup(k dirKey, g *dirGroup) {
	dirGroups.Lock()
	defer dirGroups.Unlock()
	if g.refs--; g.refs == 0 {
		delete(dirGroups.m, k)
	}
}
