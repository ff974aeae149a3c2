package fsxapi

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fsxd/fsxd"
)

// TestVolumeDeletedByOneNode: two nodes (services on one store and data
// directory) reconcile one DELETING volume while node 1, having checked
// it, has not yet removed its tree (a stalled node). Node 2 leaves the
// volume to node 1, so nothing can be made at its path meanwhile. Before
// the deletion was claimed, node 2 removed the tree and dropped the
// record, a new volume of the same name was made at the same path, and
// node 1, resuming, removed the new volume's directory with its files.
func TestVolumeDeletedByOneNode(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	node2 := e.service()
	_, root := e.openZFS()
	e.settle()
	vol := e.child(root, "v")
	e.settle()
	e.fill(vol, 20)
	dir := e.volume(vol).Dir
	if _, err := e.svc.DeleteVolume(ctx, &DeleteVolumeRequest{VolumeId: ptr(vol)}); err != nil {
		t.Fatal(err)
	}
	e.clock = e.clock.Add(2 * time.Second)
	paused, resume := e.pauseJob("delete/" + vol)
	done := make(chan error, 1)
	go func() { done <- e.svc.Reconcile(ctx) }()
	<-paused

	for range 3 {
		if err := node2.Reconcile(ctx); err != nil {
			t.Error(err)
		}
	}
	if lc, _ := e.svc.still(ctx, fsxd.KindVolume, vol, fsxd.Deleting); !lc || !isDir(dir) {
		t.Errorf("node 2 dropped volume %s (record DELETING %v, directory %v) while node 1 was removing it", vol, lc, isDir(dir))
	}
	// Only possible once the volume is gone: a volume at the same path,
	// AVAILABLE and written to, while node 1 is still stalled.
	again, createErr := e.svc.CreateVolume(ctx, &CreateVolumeRequest{VolumeType: ptr("OPENZFS"), Name: ptr("v"),
		OpenZFSConfiguration: &CreateOpenZFSVolumeConfiguration{ParentVolumeId: ptr(root)}})
	kept := filepath.Join(dir, "kept")
	if createErr == nil {
		e.clock = e.clock.Add(2 * time.Second)
		if err := node2.Reconcile(ctx); err != nil {
			t.Fatal(err)
		}
		if v := e.volume(*again.Volume.VolumeId); v.Lifecycle != fsxd.Available || v.Dir != dir {
			t.Fatalf("new volume %s in %s, want AVAILABLE in %s", v.Lifecycle, v.Dir, dir)
		}
		if err := os.WriteFile(kept, []byte("new data"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	resume()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if createErr == nil {
		if _, serr := os.Stat(kept); serr != nil {
			t.Fatalf("node 1 removed the files of volume %s, made at %s after node 2 dropped %s: %v", *again.Volume.VolumeId, dir, vol, serr)
		}
		return
	}
	if gone, _ := e.svc.still(ctx, fsxd.KindVolume, vol, ""); !gone || isDir(dir) {
		t.Errorf("after node 1's removal: record gone %v, directory left %v", gone, isDir(dir))
	}
}
