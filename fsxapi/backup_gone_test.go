package fsxapi

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/store"
	"github.com/fsxd/fsxd/volume"
)

// backup takes a backup of file system fsID and waits until it is
// AVAILABLE.
func (e *testEnv) backup(fsID string) *fsxd.Backup {
	e.t.Helper()
	out, err := e.svc.CreateBackup(context.Background(), &CreateBackupRequest{FileSystemId: ptr(fsID)})
	if err != nil {
		e.t.Fatal(err)
	}
	e.reconcileAll()
	b := e.backupRec(*out.Backup.BackupId)
	if b == nil || b.Lifecycle != fsxd.Available {
		e.t.Fatalf("backup: %+v, want AVAILABLE", b)
	}
	return b
}

func (e *testEnv) backupRec(id string) *fsxd.Backup {
	e.t.Helper()
	var b *fsxd.Backup
	err := e.st.View(context.Background(), func(tx *store.Tx) error {
		var err error
		b, err = backups(tx).Get(id)
		return err
	})
	if err != nil && err != store.ErrNotFound {
		e.t.Fatal(err)
	}
	return b
}

// fromBackup starts a file system made from backup b and returns it and
// its root volume.
func (e *testEnv) fromBackup(b *fsxd.Backup) (fsID, rootID string) {
	e.t.Helper()
	out, err := e.svc.CreateFileSystemFromBackup(context.Background(), &CreateFileSystemFromBackupRequest{
		BackupId: ptr(b.ID), SubnetIds: []string{"subnet-01234567"},
		OpenZFSConfiguration: &CreateFileSystemOpenZFSConfiguration{DeploymentType: ptr("SINGLE_AZ_HA_1"), ThroughputCapacity: ptr(int64(128))},
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return *out.FileSystem.FileSystemId, *out.FileSystem.OpenZFSConfiguration.RootVolumeId
}

// A volume made from a backup that is deleted, removed or damaged under
// its copy ends FAILED with the reason, not CREATING for ever (tried on
// every pass) nor AVAILABLE with part of the backup.
func TestBackupGoneDuringCopy(t *testing.T) {
	tests := []struct {
		name   string
		paused bool // spoil while the copy is mid-way (else before it starts)
		spoil  func(e *testEnv, b *fsxd.Backup)
		reason string
	}{
		{"tree removed mid-copy", true, func(_ *testEnv, b *fsxd.Backup) { volume.RemoveTree(b.Dir) }, "was deleted"},
		{"tree removed before", false, func(_ *testEnv, b *fsxd.Backup) { volume.RemoveTree(b.Dir) }, "was deleted"},
		{"record gone before", false, func(e *testEnv, b *fsxd.Backup) {
			err := e.st.Update(context.Background(), func(tx *store.Tx) error { return backups(tx).Delete(b.ID) })
			if err != nil {
				e.t.Fatal(err)
			}
		}, "was deleted"},
		{"damaged before", false, func(e *testEnv, b *fsxd.Backup) {
			if err := os.WriteFile(filepath.Join(b.Dir, "planted"), []byte("x"), 0o644); err != nil {
				e.t.Fatal(err)
			}
		}, "does not match its checksum"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			fsID, root := e.openZFS()
			e.settle()
			e.fill(root, 20)
			b := e.backup(fsID)
			madeFS, made := e.fromBackup(b)
			e.clock = e.clock.Add(2 * e.svc.cfg.LifecycleDelay)
			paused, release := e.pauseJob("origin/" + made)
			if !tt.paused {
				tt.spoil(e, b)
			}
			e.reconcile()
			if tt.paused {
				<-paused
				tt.spoil(e, b)
			}
			release()
			e.svc.Wait()
			e.settle()
			v := e.volume(made)
			out, err := renderVolume(v)
			if err != nil {
				t.Fatal(err)
			}
			if v.Lifecycle != fsxd.Failed || out.LifecycleTransitionReason == nil ||
				!strings.Contains(*out.LifecycleTransitionReason.Message, b.ID) || !strings.Contains(*out.LifecycleTransitionReason.Message, tt.reason) {
				t.Fatalf("volume %s is %s (%+v), want FAILED naming %s, %q", made, v.Lifecycle, out.LifecycleTransitionReason, b.ID, tt.reason)
			}
			e.settle()
			fs := e.fileSystem(madeFS)
			wireFS, err := renderFS(fs)
			if err != nil {
				t.Fatal(err)
			}
			if fs.Lifecycle != fsxd.Failed || wireFS.FailureDetails == nil || !strings.Contains(*wireFS.FailureDetails.Message, tt.reason) {
				t.Fatalf("file system %s is %s (%+v), want FAILED with its root volume's reason", madeFS, fs.Lifecycle, wireFS.FailureDetails)
			}
			if _, err := e.svc.DeleteFileSystem(context.Background(), &DeleteFileSystemRequest{FileSystemId: ptr(madeFS)}); err != nil {
				t.Fatalf("delete the FAILED file system: %v", err)
			}
		})
	}
}

// An AUTOMATIC backup past its retention is not deleted while a volume is
// being made from it (as DeleteBackup refuses, BackupRestoring); it goes
// on the first pass after.
func TestExpiryWaitsForCopy(t *testing.T) {
	e := newTestEnv(t)
	fsID, root := e.openZFS()
	e.settle()
	e.fill(root, 20)
	b := e.backup(fsID)
	err := e.st.Update(context.Background(), func(tx *store.Tx) error {
		b.Type = "AUTOMATIC"
		b.CreationTime = e.clock.Add(-48 * time.Hour)
		return backups(tx).Put(b.ID, b)
	})
	if err != nil {
		t.Fatal(err)
	}
	_, made := e.fromBackup(b)
	days := map[string]int64{fsID: 1}
	if err := e.svc.expireAutoBackups(context.Background(), days); err != nil {
		t.Fatal(err)
	}
	if got := e.backupRec(b.ID); got == nil || got.Lifecycle != fsxd.Available {
		t.Fatalf("backup %s expired while volume %s is made from it: %+v", b.ID, made, got)
	}
	e.clock = e.clock.Add(2 * e.svc.cfg.LifecycleDelay)
	e.reconcileAll()
	e.settle()
	if v := e.volume(made); v.Lifecycle != fsxd.Available || e.files(made) != 20 {
		t.Fatalf("volume %s is %s with %d files, want AVAILABLE with 20", made, v.Lifecycle, e.files(made))
	}
	if err := e.svc.expireAutoBackups(context.Background(), days); err != nil {
		t.Fatal(err)
	}
	if got := e.backupRec(b.ID); got != nil && got.Lifecycle != backupDeleted {
		t.Fatalf("backup %s kept past its retention once unused: %+v", b.ID, got)
	}
}

func (e *testEnv) fileSystem(id string) *fsxd.FileSystem {
	e.t.Helper()
	var fs *fsxd.FileSystem
	err := e.st.View(context.Background(), func(tx *store.Tx) error {
		var err error
		fs, err = fileSystems(tx).Get(id)
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return fs
}
