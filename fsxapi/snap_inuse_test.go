package fsxapi

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/store"
)

// fill writes n small files into dir/d of volume id.
func (e *testEnv) fill(id string, n int) {
	e.t.Helper()
	d := filepath.Join(e.volume(id).Dir, "d")
	if err := os.MkdirAll(d, 0o755); err != nil {
		e.t.Fatal(err)
	}
	for i := range n {
		if err := os.WriteFile(filepath.Join(d, "f"+strconv.Itoa(i)), []byte("data "+strconv.Itoa(i)), 0o644); err != nil {
			e.t.Fatal(err)
		}
	}
}

// files counts the files in dir/d of volume id.
func (e *testEnv) files(id string) int {
	e.t.Helper()
	ents, err := os.ReadDir(filepath.Join(e.volume(id).Dir, "d"))
	if err != nil {
		e.t.Fatal(err)
	}
	return len(ents)
}

// snapshot takes a snapshot of vol and waits until it is AVAILABLE.
func (e *testEnv) snapshot(vol, name string) *fsxd.Snapshot {
	e.t.Helper()
	out, err := e.svc.CreateSnapshot(context.Background(), &CreateSnapshotRequest{VolumeId: ptr(vol), Name: ptr(name)})
	if err != nil {
		e.t.Fatal(err)
	}
	e.reconcileAll()
	r := e.snap(*out.Snapshot.SnapshotId)
	if r == nil || r.Lifecycle != fsxd.Available {
		e.t.Fatalf("snapshot %s: %+v, want AVAILABLE", name, r)
	}
	return r
}

// snap reads a snapshot's record (nil once it is gone).
func (e *testEnv) snap(id string) *fsxd.Snapshot {
	e.t.Helper()
	var r *fsxd.Snapshot
	err := e.st.View(context.Background(), func(tx *store.Tx) error {
		var err error
		r, err = snapshots(tx).Get(id)
		return err
	})
	if err != nil && err != store.ErrNotFound {
		e.t.Fatal(err)
	}
	return r
}

// fromSnapshot starts a volume made from snapshot r under parent.
func (e *testEnv) fromSnapshot(parent, name string, r *fsxd.Snapshot, strategy string) string {
	e.t.Helper()
	out, err := e.svc.CreateVolume(context.Background(), &CreateVolumeRequest{
		VolumeType: ptr("OPENZFS"), Name: ptr(name),
		OpenZFSConfiguration: &CreateOpenZFSVolumeConfiguration{
			ParentVolumeId: ptr(parent),
			OriginSnapshot: &CreateOpenZFSOriginSnapshotConfiguration{
				SnapshotARN:  ptr(e.svc.cfg.Account.SnapshotARN(r.VolumeID, r.ID)),
				CopyStrategy: ptr(strategy),
			},
		},
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return *out.Volume.VolumeId
}

func (e *testEnv) deleteWithChildren(vol string) error {
	_, err := e.svc.DeleteVolume(context.Background(), &DeleteVolumeRequest{
		VolumeId:             ptr(vol),
		OpenZFSConfiguration: &DeleteVolumeOpenZFSConfiguration{Options: []string{deleteChildrenOption}},
	})
	return err
}

func (e *testEnv) restoreDropping(vol, snapID string) error {
	_, err := e.svc.RestoreVolumeFromSnapshot(context.Background(), &RestoreVolumeFromSnapshotRequest{
		VolumeId: ptr(vol), SnapshotId: ptr(snapID),
		Options: []string{"DELETE_INTERMEDIATE_SNAPSHOTS", "DELETE_CLONED_VOLUMES"},
	})
	return err
}

// The calls that delete snapshots along with something else refuse, as
// DeleteSnapshot does, a snapshot another volume is being made, restored
// or updated from, or that a live CLONE uses; a user deleted by the same
// call needs nothing.
func TestIndirectSnapshotDeleteRefusedInUse(t *testing.T) {
	type setup struct {
		e               *testEnv
		root, vol       string
		sa, sb          *fsxd.Snapshot
		other, otherVol string // another file system's root and child
	}
	tests := []struct {
		name string
		use  func(s *setup)       // makes a volume need sb
		call func(s *setup) error // deletes sb along with something
		ok   bool                 // the call is allowed
	}{
		{"restore past a FULL_COPY being made", func(s *setup) { s.e.fromSnapshot(s.root, "copy", s.sb, "FULL_COPY") },
			func(s *setup) error { return s.e.restoreDropping(s.vol, s.sa.ID) }, false},
		{"delete volume of a FULL_COPY being made", func(s *setup) { s.e.fromSnapshot(s.root, "copy", s.sb, "FULL_COPY") },
			func(s *setup) error { return s.e.deleteWithChildren(s.vol) }, false},
		{"delete volume of a live CLONE", func(s *setup) { s.e.fromSnapshot(s.root, "clone", s.sb, "CLONE"); s.e.settle() },
			func(s *setup) error { return s.e.deleteWithChildren(s.vol) }, false},
		{"delete volume of an update's source", func(s *setup) { s.e.copyUpdate(s.otherVol, s.sb) },
			func(s *setup) error { return s.e.deleteWithChildren(s.vol) }, false},
		{"restore past an update's source", func(s *setup) { s.e.copyUpdate(s.otherVol, s.sb) },
			func(s *setup) error { return s.e.restoreDropping(s.vol, s.sa.ID) }, false},
		{"delete file system of an update's source", func(s *setup) { s.e.copyUpdate(s.otherVol, s.sb) },
			func(s *setup) error { return s.e.deleteFS(s.vol) }, false},
		{"delete volume with its own CLONE below it", func(s *setup) { s.e.fromSnapshot(s.vol, "clone", s.sb, "CLONE"); s.e.settle() },
			func(s *setup) error { return s.e.deleteWithChildren(s.vol) }, true},
		{"restore past a CLONE deleted with it", func(s *setup) { s.e.fromSnapshot(s.root, "clone", s.sb, "CLONE"); s.e.settle() },
			func(s *setup) error { return s.e.restoreDropping(s.vol, s.sa.ID) }, true},
		{"delete volume of a FULL_COPY made", func(s *setup) { s.e.fromSnapshot(s.root, "copy", s.sb, "FULL_COPY"); s.e.reconcileAll() },
			func(s *setup) error { return s.e.deleteWithChildren(s.vol) }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			s := &setup{e: e}
			_, s.root = e.openZFS()
			_, s.other = e.openZFS()
			e.settle()
			s.vol, s.otherVol = e.child(s.root, "v"), e.child(s.other, "t")
			e.settle()
			e.fill(s.vol, 3)
			s.sa, s.sb = e.snapshot(s.vol, "sa"), e.snapshot(s.vol, "sb")
			tt.use(s)
			err := tt.call(s)
			if tt.ok {
				if err != nil {
					t.Fatalf("got %v, want the call allowed", err)
				}
				return
			}
			wantCode(t, err, awserr.BadRequest, "Snapshot "+s.sb.ID+" is in use by volume")
			if r := e.snap(s.sb.ID); r.Lifecycle != fsxd.Available {
				t.Fatalf("snapshot %s is %s after a refused call", r.ID, r.Lifecycle)
			}
		})
	}
}

func (e *testEnv) copyUpdate(vol string, r *fsxd.Snapshot) {
	e.t.Helper()
	_, err := e.svc.CopySnapshotAndUpdateVolume(context.Background(), &CopySnapshotAndUpdateVolumeRequest{
		VolumeId: ptr(vol), SourceSnapshotARN: ptr(e.svc.cfg.Account.SnapshotARN(r.VolumeID, r.ID)),
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

// deleteFS deletes the file system of vol with its children and snapshots.
func (e *testEnv) deleteFS(vol string) error {
	_, err := e.svc.DeleteFileSystem(context.Background(), &DeleteFileSystemRequest{
		FileSystemId: ptr(e.volume(vol).FileSystemID),
		OpenZFSConfiguration: &DeleteFileSystemOpenZFSConfiguration{
			SkipFinalBackup: ptr(true), Options: []string{deleteChildrenOption},
		},
	})
	return err
}

// pauseJob makes the background job id stop after its first file until
// the returned release is called; paused is closed once it stops.
func (e *testEnv) pauseJob(id string) (paused <-chan struct{}, release func()) {
	stopped, resume := make(chan struct{}), make(chan struct{})
	var once sync.Once
	e.svc.work.hold = func(job string) {
		if job == id {
			once.Do(func() { close(stopped); <-resume })
		}
	}
	return stopped, func() { close(resume) }
}

func (e *testEnv) reconcile() {
	e.t.Helper()
	if err := e.svc.Reconcile(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

// A DELETING snapshot stays while a copy reads it: one whose volume's
// record says so (a deletion recorded before the API refused it, or
// another node's copy), and one only this process knows of (a CLONE
// being made that a restore deletes along with the snapshot).
func TestSnapshotKeptWhileCopyReadsIt(t *testing.T) {
	tests := []struct {
		name   string
		delete func(e *testEnv, vol string, sa, sb *fsxd.Snapshot)
		made   string // what the copy's volume ends as ("": deleted)
	}{
		{"record says DELETING", func(e *testEnv, _ string, _, sb *fsxd.Snapshot) {
			err := e.st.Update(context.Background(), func(tx *store.Tx) error {
				sb.Lifecycle = fsxd.Deleting
				return snapshots(tx).Put(sb.ID, sb)
			})
			if err != nil {
				e.t.Fatal(err)
			}
		}, fsxd.Available},
		{"restore deletes the clone too", func(e *testEnv, vol string, sa, _ *fsxd.Snapshot) {
			if err := e.restoreDropping(vol, sa.ID); err != nil {
				e.t.Fatal(err)
			}
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			_, root := e.openZFS()
			e.settle()
			vol := e.child(root, "v")
			e.settle()
			e.fill(vol, 20)
			sa, sb := e.snapshot(vol, "sa"), e.snapshot(vol, "sb")
			made := e.fromSnapshot(root, "made", sb, "CLONE")
			paused, release := e.pauseJob("origin/" + made)
			e.clock = e.clock.Add(2 * e.svc.cfg.LifecycleDelay)
			e.reconcile() // starts the copy
			<-paused
			tt.delete(e, vol, sa, sb)
			e.clock = e.clock.Add(2 * e.svc.cfg.LifecycleDelay)
			e.reconcile()
			if tt.made != "" {
				// Another node knows of no copy, only of the records.
				if err := e.service().dropSnapshot(context.Background(), e.snap(sb.ID)); err != nil {
					t.Fatal(err)
				}
			}
			if !isDir(sb.Dir) || e.snap(sb.ID) == nil {
				t.Fatalf("snapshot %s dropped while volume %s copies it", sb.ID, made)
			}
			release()
			e.svc.Wait()
			e.settle()
			if tt.made != "" {
				if v := e.volume(made); v.Lifecycle != tt.made || e.files(made) != 20 {
					t.Fatalf("volume %s is %s with %d files, want %s with 20", made, v.Lifecycle, e.files(made), tt.made)
				}
			} else if dir := filepath.Join(e.volume(root).Dir, "made"); isDir(dir) {
				t.Fatalf("deleted volume's directory %s was left", dir)
			}
			e.settle()
			if e.snap(sb.ID) != nil || isDir(sb.Dir) {
				t.Fatalf("snapshot %s not dropped once the copy was done", sb.ID)
			}
		})
	}
}
