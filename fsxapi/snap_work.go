package fsxapi

import (
	"fmt"
	"sync"

	"github.com/fsxd/fsxd/volume"
)

// background runs the long copies (snapshots, restores, backups) outside
// the reconciler's pass, one per resource at a time and at most limit at
// once, and keeps their progress for Describe. Only this process knows of
// its jobs' progress: the store says what must happen, a claim on the
// shared data directory (joblock.go) keeps other nodes from running the
// same job at once, and a job cut short by a crash, or not started because
// limit were running or another node holds it, is started by a later pass
// (every job is idempotent).
type background struct {
	mu      sync.Mutex
	running map[string]*job
	limit   int // jobs at once; each is a whole-tree copy's disk I/O
	claims  claims
	wg      sync.WaitGroup
	// hold, when set (tests), is called with the job's id after each file
	// a job copies, and with "delete/<volume id>" before a claimed
	// deletion removes a volume's tree: a test blocks in it to act while
	// a copy or a deletion is mid-way.
	hold func(id string)
}

type job struct {
	reads string // the snapshot the job copies from ("" for none)
	mu    sync.Mutex
	stats volume.CopyStats
}

// DefaultMaxCopies is how many copies a node runs at once unless told
// otherwise (Config.MaxCopies).
const DefaultMaxCopies = 4

func newBackground(limit int, claimDir string) *background {
	if limit <= 0 {
		limit = DefaultMaxCopies
	}
	return &background{running: map[string]*job{}, limit: limit, claims: claims{claimDir}}
}

// start runs fn for id unless a job for id is running, here or on another
// node, or limit jobs are; it reports whether it started one. fn runs
// holding the claim, so it must first check, on a fresh read, that its
// work is still to do: a node that held it a moment ago may have done it.
// A job not started waits, with its resource's record unchanged, for a
// pass that finds a free slot.
func (b *background) start(id string, fn func(progress func(volume.CopyStats))) bool {
	return b.startReading(id, "", fn)
}

// startReading is start for a job that copies from snapshot snapID, which
// must stay until the job ends (reading).
func (b *background) startReading(id, snapID string, fn func(progress func(volume.CopyStats))) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.running[id]; ok || len(b.running) >= b.limit {
		return false
	}
	release, ok := b.claims.take(id)
	if !ok {
		return false
	}
	j := &job{reads: snapID}
	b.running[id] = j
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		defer func() {
			b.mu.Lock()
			delete(b.running, id)
			b.mu.Unlock()
			release()
		}()
		fn(func(st volume.CopyStats) {
			j.mu.Lock()
			j.stats = st
			j.mu.Unlock()
			if b.hold != nil {
				b.hold(id)
			}
		})
	}()
	return true
}

// busy reports whether a job for id is running, on this node or another.
func (b *background) busy(id string) bool {
	b.mu.Lock()
	_, ok := b.running[id]
	b.mu.Unlock()
	return ok || b.claims.heldElsewhere(id)
}

// reading reports whether a running job copies from snapshot snapID.
func (b *background) reading(snapID string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, j := range b.running {
		if j.reads == snapID {
			return true
		}
	}
	return false
}

// progress describes a running job ("" when none runs for id).
func (b *background) progress(id string) string {
	b.mu.Lock()
	j, ok := b.running[id]
	b.mu.Unlock()
	if !ok {
		return ""
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	return fmt.Sprintf("Copying: %d files, %d bytes so far.", j.stats.Files, j.stats.Bytes)
}

// Wait blocks until every running job has finished (tests and shutdown).
func (s *Service) Wait() { s.work.wg.Wait() }

func copiedMessage(method string, bytes int64) string {
	return fmt.Sprintf("Copied %d bytes (%s).", bytes, method)
}
