package fsxapi

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/store"
)

// testEnv drives a Service directly, with a clock the test moves.
type testEnv struct {
	t     *testing.T
	svc   *Service
	st    *store.Store
	mem   *memBackend
	clock time.Time
	dir   string
}

func newTestEnv(t *testing.T) *testEnv {
	st, mem := newMemStore()
	e := &testEnv{t: t, st: st, mem: mem, clock: time.Unix(1700000000, 0), dir: t.TempDir()}
	e.svc = e.service()
	return e
}

// service makes a new Service on the same store and data: a restart.
func (e *testEnv) service() *Service {
	return New(Config{
		Store: e.st, DataDir: e.dir, LifecycleDelay: time.Second,
		Account: fsxd.Account{Partition: "aws", Region: "us-east-1", ID: "123456789012"},
		Now:     func() time.Time { return e.clock },
	})
}

func (e *testEnv) settle() {
	e.t.Helper()
	e.clock = e.clock.Add(2 * time.Second)
	if err := e.svc.Reconcile(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

func (e *testEnv) openZFS() (fsID, rootID string) {
	e.t.Helper()
	out, err := e.svc.CreateFileSystem(context.Background(), &CreateFileSystemRequest{
		FileSystemType: ptr("OPENZFS"), StorageCapacity: ptr(int64(64)), SubnetIds: []string{"subnet-01234567"},
		OpenZFSConfiguration: &CreateFileSystemOpenZFSConfiguration{DeploymentType: ptr("SINGLE_AZ_HA_1"), ThroughputCapacity: ptr(int64(128))},
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return *out.FileSystem.FileSystemId, *out.FileSystem.OpenZFSConfiguration.RootVolumeId
}

func (e *testEnv) child(parent, name string) string {
	e.t.Helper()
	out, err := e.svc.CreateVolume(context.Background(), &CreateVolumeRequest{
		VolumeType: ptr("OPENZFS"), Name: ptr(name),
		OpenZFSConfiguration: &CreateOpenZFSVolumeConfiguration{ParentVolumeId: ptr(parent)},
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return *out.Volume.VolumeId
}

func (e *testEnv) attach(name, volID, fsID string) {
	e.t.Helper()
	err := e.st.Update(context.Background(), func(tx *store.Tx) error {
		return attachments(tx).Insert(name, &fsxd.Attachment{Name: name, VolumeID: volID, FileSystemID: fsID, Lifecycle: fsxd.Available})
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

func wantCode(t *testing.T, err error, code awserr.Code, fragment string) {
	t.Helper()
	if !awserr.Is(err, code) || !strings.Contains(err.Error(), fragment) {
		t.Fatalf("got %v, want %s containing %q", err, code.Name, fragment)
	}
}

func TestAttachmentsBlockDeletes(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	fsID, root := e.openZFS()
	e.settle()
	vol := e.child(root, "data")
	e.settle()
	e.attach("ap-one", vol, fsID)
	_, err := e.svc.DeleteVolume(ctx, &DeleteVolumeRequest{VolumeId: ptr(vol)})
	wantCode(t, err, awserr.BadRequest, "ap-one")
	_, err = e.svc.DeleteFileSystem(ctx, &DeleteFileSystemRequest{FileSystemId: ptr(fsID),
		OpenZFSConfiguration: &DeleteFileSystemOpenZFSConfiguration{Options: []string{"DELETE_CHILD_VOLUMES_AND_SNAPSHOTS"}}})
	wantCode(t, err, awserr.BadRequest, "ap-one")
	// The refused deletes changed nothing.
	out, err := e.svc.DescribeVolumes(ctx, &DescribeVolumesRequest{VolumeIds: []string{vol}})
	if err != nil || *out.Volumes[0].Lifecycle != fsxd.Available {
		t.Fatalf("volume after refused delete: %v %v", out, err)
	}
}

func TestNameClashWithExistingFile(t *testing.T) {
	e := newTestEnv(t)
	fsID, root := e.openZFS()
	e.settle()
	if err := os.WriteFile(filepath.Join(e.dir, "fs", fsID, "fsx", "notes"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.CreateVolume(context.Background(), &CreateVolumeRequest{
		VolumeType: ptr("OPENZFS"), Name: ptr("notes"),
		OpenZFSConfiguration: &CreateOpenZFSVolumeConfiguration{ParentVolumeId: ptr(root)},
	})
	wantCode(t, err, awserr.BadRequest, "already used")
	e.child(root, "other")
	_, err = e.svc.CreateVolume(context.Background(), &CreateVolumeRequest{
		VolumeType: ptr("OPENZFS"), Name: ptr("other"),
		OpenZFSConfiguration: &CreateOpenZFSVolumeConfiguration{ParentVolumeId: ptr(root)},
	})
	wantCode(t, err, awserr.BadRequest, "already used") // a sibling still CREATING counts
}

// TestRestartAndConcurrentReconcilers: state lives in the store only, so a
// new Service (a restart, another node) carries on; reconcilers running at
// once agree.
func TestRestartAndConcurrentReconcilers(t *testing.T) {
	e := newTestEnv(t)
	fsID, root := e.openZFS()
	vol := e.child(root, "a")
	e.clock = e.clock.Add(2 * time.Second)
	var wg sync.WaitGroup
	for range 4 {
		node := e.service()
		wg.Go(func() {
			if err := node.Reconcile(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	out, err := e.service().DescribeVolumes(context.Background(), &DescribeVolumesRequest{VolumeIds: []string{root, vol}})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range out.Volumes {
		if *v.Lifecycle != fsxd.Available {
			t.Errorf("%s is %s", *v.VolumeId, *v.Lifecycle)
		}
	}
	if !isDir(filepath.Join(e.dir, "fs", fsID, "fsx", "a")) {
		t.Error("volume directory missing")
	}
}

// TestRootVolumeReadyWithFileSystem: at no committed state is an OpenZFS
// file system AVAILABLE while its root volume is still CREATING, so a
// caller that waited for the file system may attach to its root at once.
func TestRootVolumeReadyWithFileSystem(t *testing.T) {
	e := newTestEnv(t)
	fsID, root := e.openZFS()
	ctx := context.Background()
	checks := 0
	e.mem.committed = func() {
		fs, err := e.svc.DescribeFileSystems(ctx, &DescribeFileSystemsRequest{FileSystemIds: []string{fsID}})
		if err != nil {
			t.Fatal(err)
		}
		vol, err := e.svc.DescribeVolumes(ctx, &DescribeVolumesRequest{VolumeIds: []string{root}})
		if err != nil {
			t.Fatal(err)
		}
		checks++
		if *fs.FileSystems[0].Lifecycle == fsxd.Available && *vol.Volumes[0].Lifecycle != fsxd.Available {
			t.Errorf("file system AVAILABLE, root volume %s", *vol.Volumes[0].Lifecycle)
		}
	}
	e.settle()
	if checks < 2 {
		t.Fatalf("%d commits observed", checks)
	}
}

// TestMoveUndoneWhenCommitFails: a rename moves the directory inside the
// transaction; a failed commit must put it back.
func TestMoveUndoneWhenCommitFails(t *testing.T) {
	e := newTestEnv(t)
	fsID, root := e.openZFS()
	e.settle()
	vol := e.child(root, "a")
	e.settle()
	e.mem.failCommit = true
	if _, err := e.svc.UpdateVolume(context.Background(), &UpdateVolumeRequest{VolumeId: ptr(vol), Name: ptr("b")}); err == nil {
		t.Fatal("want the commit failure")
	}
	base := filepath.Join(e.dir, "fs", fsID, "fsx")
	if !isDir(filepath.Join(base, "a")) || isDir(filepath.Join(base, "b")) {
		t.Fatal("directory not moved back")
	}
}

// TestOpenZFSRootVolumeDir: the exported path (the benchmark lays files
// out there) is the directory the server gives a new root volume.
func TestOpenZFSRootVolumeDir(t *testing.T) {
	e := newTestEnv(t)
	fsID, root := e.openZFS()
	e.settle()
	var dir string
	err := e.st.View(context.Background(), func(tx *store.Tx) error {
		v, err := volumes(tx).Get(root)
		if err == nil {
			dir = v.Dir
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := OpenZFSRootVolumeDir(e.dir, fsID); dir != want {
		t.Errorf("root volume dir %q, OpenZFSRootVolumeDir %q", dir, want)
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Errorf("root volume dir: %v", err)
	}
}
