package fsxapi

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/volume"
)

// TestClaimsAcrossNodes is the claim rule alone, for two nodes on one
// data directory: a job one node runs is neither started nor reported
// idle by the other, and is free again once it ends.
func TestClaimsAcrossNodes(t *testing.T) {
	dir := t.TempDir()
	n1, n2 := newBackground(2, dir), newBackground(2, dir)
	block := make(chan struct{})
	if !n1.start("restore/fsvol-1", func(func(volume.CopyStats)) { <-block }) {
		t.Fatal("node 1 could not start a free job")
	}
	ran := false
	for _, tc := range []struct {
		what string
		got  bool
		want bool
	}{
		{"node 2 starts node 1's job", n2.start("restore/fsvol-1", func(func(volume.CopyStats)) { ran = true }), false},
		{"node 2 sees it busy", n2.busy("restore/fsvol-1"), true},
		{"node 2 sees another job busy", n2.busy("restore/fsvol-2"), false},
		{"node 2 starts another job", n2.start("restore/fsvol-2", func(func(volume.CopyStats)) {}), true},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: %v, want %v", tc.what, tc.got, tc.want)
		}
	}
	close(block)
	n1.wg.Wait()
	n2.wg.Wait()
	if n2.busy("restore/fsvol-1") {
		t.Error("node 2 sees the job busy after node 1's ended")
	}
	if !n2.start("restore/fsvol-1", func(func(volume.CopyStats)) { ran = true }) {
		t.Error("node 2 could not start the job after node 1's ended")
	}
	n2.wg.Wait()
	if !ran || ran && len(n1.running)+len(n2.running) != 0 {
		t.Errorf("ran %v, still running %d", ran, len(n1.running)+len(n2.running))
	}
	if ents, _ := os.ReadDir(claimsDir(dir)); len(ents) != 0 {
		t.Errorf("claims left behind: %v", ents)
	}
}

// TestSnapshotCopiedByOneNode: two services on one store and one data
// directory (two nodes) both reconcile a CREATING snapshot while node 1's
// copy is mid-way. Node 2 starts no copy of its own (before claims it did,
// and cleared node 1's half-made copy, so the snapshot came up AVAILABLE
// with files missing); the snapshot ends AVAILABLE and whole.
func TestSnapshotCopiedByOneNode(t *testing.T) {
	e := newTestEnv(t)
	node2 := e.service()
	_, root := e.openZFS()
	e.settle()
	vol := e.child(root, "v")
	e.settle()
	e.fill(vol, 40)
	out, err := e.svc.CreateSnapshot(context.Background(), &CreateSnapshotRequest{VolumeId: ptr(vol), Name: ptr("s")})
	if err != nil {
		t.Fatal(err)
	}
	id := *out.Snapshot.SnapshotId
	paused, resume := make(chan struct{}), make(chan struct{})
	var once sync.Once
	e.svc.work.hold = func(string) { once.Do(func() { close(paused); <-resume }) }
	e.reconcile()
	<-paused
	for range 3 {
		if err := node2.Reconcile(context.Background()); err != nil {
			t.Fatal(err)
		}
		node2.work.mu.Lock()
		n := len(node2.work.running)
		node2.work.mu.Unlock()
		if n != 0 {
			close(resume)
			t.Fatalf("node 2 started %d copies while node 1 copied snapshot %s", n, id)
		}
	}
	close(resume)
	e.svc.Wait()
	for range 3 {
		e.reconcileAll(node2)
	}
	r := e.snap(id)
	if r == nil || r.Lifecycle != fsxd.Available {
		t.Fatalf("snapshot: %+v, want AVAILABLE", r)
	}
	ents, err := os.ReadDir(filepath.Join(r.Dir, "d"))
	if err != nil || len(ents) != 40 {
		t.Fatalf("snapshot holds %d of 40 files (%v)", len(ents), err)
	}
}
