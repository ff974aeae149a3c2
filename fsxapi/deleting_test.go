package fsxapi

import (
	"context"
	"testing"
	"time"

	"github.com/fsxd/fsxd"
)

// TestDeletingObservable: a deleted volume and file system stay DELETING
// for LifecycleDelay (1 s here), whatever the reconciler does meanwhile,
// then go, as on AWS, where a waiter polls for DELETING and then for
// not-found.
func TestDeletingObservable(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	fsID, root := e.openZFS()
	vol := e.child(root, "data")
	e.settle()

	lifecycle := func() (fsState, volState string) {
		t.Helper()
		fs, err := e.svc.DescribeFileSystems(ctx, &DescribeFileSystemsRequest{FileSystemIds: []string{fsID}})
		if err == nil {
			fsState = *fs.FileSystems[0].Lifecycle
		}
		v, err := e.svc.DescribeVolumes(ctx, &DescribeVolumesRequest{VolumeIds: []string{vol}})
		if err == nil {
			volState = *v.Volumes[0].Lifecycle
		}
		return fsState, volState
	}
	reconcile := func(d time.Duration) {
		t.Helper()
		e.clock = e.clock.Add(d)
		if err := e.svc.Reconcile(ctx); err != nil {
			t.Fatal(err)
		}
	}

	if _, err := e.svc.DeleteVolume(ctx, &DeleteVolumeRequest{VolumeId: ptr(vol)}); err != nil {
		t.Fatal(err)
	}
	reconcile(0)
	reconcile(900 * time.Millisecond)
	if _, v := lifecycle(); v != fsxd.Deleting {
		t.Fatalf("volume %q 0.9 s after its delete, want DELETING", v)
	}
	reconcile(100 * time.Millisecond)
	if _, v := lifecycle(); v != "" {
		t.Fatalf("volume %q after LifecycleDelay, want gone", v)
	}

	if _, err := e.svc.DeleteFileSystem(ctx, &DeleteFileSystemRequest{FileSystemId: ptr(fsID),
		OpenZFSConfiguration: &DeleteFileSystemOpenZFSConfiguration{SkipFinalBackup: ptr(true)}}); err != nil {
		t.Fatal(err)
	}
	reconcile(0)
	if fs, _ := lifecycle(); fs != fsxd.Deleting {
		t.Fatalf("file system %q after one pass, want DELETING", fs)
	}
	reconcile(time.Second)
	if fs, _ := lifecycle(); fs != "" {
		t.Fatalf("file system %q after LifecycleDelay, want gone", fs)
	}
}
