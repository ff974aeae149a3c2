package fsxapi

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/volume"
)

// A copy whose snapshot is removed under it (by hand, or by a node that
// knew of no copy) ends FAILED with its reason: a volume made from it is
// not AVAILABLE with files missing, and a volume updated from it keeps
// its own tree and leaves IN_PROGRESS.
func TestSnapshotGoneDuringCopy(t *testing.T) {
	tests := []struct {
		name    string
		paused  bool // removed while the copy is mid-way (else before it starts)
		restore bool // CopySnapshotAndUpdateVolume (else CreateVolume from it)
	}{
		{"update, removed mid-copy", true, true},
		{"update, removed before", false, true},
		{"made from it, removed mid-copy", true, false},
		{"made from it, removed before", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			_, root := e.openZFS()
			e.settle()
			src, target := e.child(root, "src"), e.child(root, "target")
			e.settle()
			e.fill(src, 20)
			e.fill(target, 7)
			snap := e.snapshot(src, "s")
			var job string
			if tt.restore {
				e.copyUpdate(target, snap)
				job = "restore/" + target
			} else {
				target = e.fromSnapshot(root, "made", snap, "FULL_COPY")
				job = "origin/" + target
				e.clock = e.clock.Add(2 * e.svc.cfg.LifecycleDelay)
			}
			paused, release := e.pauseJob(job)
			if !tt.paused {
				volume.RemoveTree(snap.Dir)
			}
			e.reconcile()
			if tt.paused {
				<-paused
				volume.RemoveTree(snap.Dir)
			}
			release()
			e.svc.Wait()
			e.settle()
			v := e.volume(target)
			out, err := renderVolume(v)
			if err != nil {
				t.Fatal(err)
			}
			if tt.restore {
				acts := out.AdministrativeActions
				if v.Restoring != "" || len(acts) != 1 || *acts[0].Status != "FAILED" || !strings.Contains(*acts[0].FailureDetails.Message, "was deleted") {
					t.Fatalf("volume %s: Restoring %q, actions %+v, want a FAILED action", target, v.Restoring, acts)
				}
				if n := e.files(target); n != 7 {
					t.Fatalf("volume %s holds %d files after a failed update, want its own 7", target, n)
				}
				if _, err := e.svc.CreateSnapshot(context.Background(), &CreateSnapshotRequest{VolumeId: ptr(target), Name: ptr("after")}); err != nil {
					t.Fatalf("snapshot after a failed update: %v", err)
				}
				return
			}
			if v.Lifecycle != fsxd.Failed || out.LifecycleTransitionReason == nil || !strings.Contains(*out.LifecycleTransitionReason.Message, snap.ID) {
				t.Fatalf("volume %s is %s (%+v), want FAILED naming %s", target, v.Lifecycle, out.LifecycleTransitionReason, snap.ID)
			}
		})
	}
}

// Another error is tried again, up to maxRestoreAttempts, then FAILED.
func TestRestoreAttemptsBounded(t *testing.T) {
	e := newTestEnv(t)
	_, root := e.openZFS()
	e.settle()
	src, target := e.child(root, "src"), e.child(root, "target")
	e.settle()
	snap := e.snapshot(src, "s")
	e.copyUpdate(target, snap)
	for i := 1; i <= maxRestoreAttempts; i++ {
		if err := e.svc.restoreDone(target, snap.ID, errors.New("disk on fire")); err != nil {
			t.Fatal(err)
		}
		v := e.volume(target)
		if failed := v.Restoring == ""; failed != (i == maxRestoreAttempts) {
			t.Fatalf("attempt %d: Restoring %q, failure %q", i, v.Restoring, v.RestoreFailure)
		}
	}
	if v := e.volume(target); !strings.Contains(v.RestoreFailure, "failed; the volume was left as it was") {
		t.Fatalf("failure %q", v.RestoreFailure)
	}
}
