package fsxapi

import (
	"context"
	"sync"
	"testing"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/volume"
)

// TestCopiesBounded: with MaxCopies 1, a second snapshot's copy does not
// start while the first one runs; it waits, CREATING, and is made once
// the first ends.
func TestCopiesBounded(t *testing.T) {
	e := newTestEnv(t)
	cfg := e.svc.cfg
	cfg.MaxCopies = 1
	e.svc = New(cfg)
	_, root := e.openZFS()
	e.settle()
	vol := e.child(root, "v")
	e.settle()
	e.fill(vol, 5)
	var ids []string
	for _, name := range []string{"s1", "s2"} {
		out, err := e.svc.CreateSnapshot(context.Background(), &CreateSnapshotRequest{VolumeId: ptr(vol), Name: ptr(name)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, *out.Snapshot.SnapshotId)
	}
	paused, resume := make(chan string, 1), make(chan struct{})
	var once sync.Once
	e.svc.work.hold = func(job string) {
		once.Do(func() { paused <- job; <-resume })
	}
	e.reconcile()
	first := <-paused
	for range 3 {
		e.settle() // passes that find the one slot taken
	}
	for _, id := range ids {
		if id == first {
			continue
		}
		if e.svc.work.busy(id) || isDir(e.snap(id).Dir) {
			t.Fatalf("snapshot %s copied while %s held the only slot", id, first)
		}
		if r := e.snap(id); r.Lifecycle != fsxd.Creating {
			t.Fatalf("waiting snapshot %s is %s, want CREATING", id, r.Lifecycle)
		}
	}
	close(resume)
	for range 4 {
		e.svc.Wait()
		e.settle()
	}
	for _, id := range ids {
		if r := e.snap(id); r.Lifecycle != fsxd.Available || !isDir(r.Dir) {
			t.Fatalf("snapshot %s is %s (directory %v), want AVAILABLE", id, r.Lifecycle, isDir(r.Dir))
		}
	}
}

// TestBackgroundLimit is the slot rule alone: a job for a busy id or
// beyond the limit is not started, and a slot frees when a job ends.
func TestBackgroundLimit(t *testing.T) {
	b := newBackground(2, "")
	block := make(chan struct{})
	run := func(func(volume.CopyStats)) { <-block }
	for _, tc := range []struct {
		id   string
		want bool
	}{{"a", true}, {"a", false}, {"b", true}, {"c", false}} {
		if got := b.start(tc.id, run); got != tc.want {
			t.Errorf("start(%s) = %v, want %v", tc.id, got, tc.want)
		}
	}
	close(block)
	b.wg.Wait()
	if !b.start("c", func(func(volume.CopyStats)) {}) {
		t.Error("start(c) refused once the slots were free")
	}
	b.wg.Wait()
	if newBackground(0, "").limit != DefaultMaxCopies {
		t.Error("limit 0 is not the default")
	}
}
