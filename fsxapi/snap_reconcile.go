package fsxapi

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/store"
	"github.com/fsxd/fsxd/volume"
)

// snapshotPass moves snapshots and restores along:
//
//	snapshot  CREATING: copy the volume (in the background), then AVAILABLE
//	          once the copy exists and LifecycleDelay has passed
//	          DELETING: remove the copy, then the record
//	volume    Restoring: put the snapshot's tree back (in the background)
//
// At its first pass a process removes what copies cut short by a crash
// left (volume.CleanCopies), but not a copy another node is making: the
// records still say CREATING, so those copies start again.
func (s *Service) snapshotPass(ctx context.Context, vols []*fsxd.Volume) error {
	s.cleanOnce.Do(func() {
		if err := volume.CleanCopiesExcept(filepath.Join(s.cfg.DataDir, "snapshots"), s.work.busy); err != nil {
			s.cfg.Logger.Error("fsxapi: clean snapshot leftovers", "err", err)
		}
	})
	var snaps []*fsxd.Snapshot
	err := s.view(ctx, func(tx *store.Tx) error {
		var err error
		snaps, _, err = snapshots(tx).List("", 0, nil)
		return err
	})
	if err != nil {
		return err
	}
	var errs []error
	for _, r := range snaps {
		switch r.Lifecycle {
		case fsxd.Creating:
			errs = append(errs, s.advanceSnapshot(ctx, r, vols))
		case fsxd.Deleting:
			errs = append(errs, s.dropSnapshot(ctx, r))
		}
	}
	for _, v := range vols {
		if v.Restoring != "" && v.Lifecycle != fsxd.Deleting {
			s.startRestore(v, vols)
		}
	}
	return errors.Join(errs...)
}

func (s *Service) advanceSnapshot(ctx context.Context, r *fsxd.Snapshot, vols []*fsxd.Volume) error {
	if s.work.busy(r.ID) {
		return nil
	}
	if isDir(r.Dir) {
		if !s.due(snapRec{r}) {
			return nil
		}
		return s.update(ctx, func(tx *store.Tx) error {
			return swap(snapshots(tx), r.ID, func(r *fsxd.Snapshot) *string { return &r.Lifecycle }, fsxd.Creating, fsxd.Available)
		})
	}
	src := volumeByID(vols, r.VolumeID)
	if src == nil {
		return nil // the volume went; its deletion takes the snapshot too
	}
	skip := nestedVolumes(src, vols)
	s.work.start(r.ID, func(progress func(volume.CopyStats)) {
		if ok, err := s.stillSnapshot(context.Background(), r.ID, fsxd.Creating); err != nil || !ok || isDir(r.Dir) {
			return // done, or deleted, by the node that held the job before
		}
		if err := os.MkdirAll(filepath.Dir(r.Dir), 0o700); err != nil {
			s.cfg.Logger.Error("fsxapi: snapshot directory", "snapshot", r.ID, "err", err)
			return
		}
		if rel, ok := confined(s.fsRoot(), src.Dir); ok && !isDirBeneath(s.fsRoot(), rel) {
			// A symlink on the way would make the snapshot copy, and
			// serve, whatever it points at.
			s.cfg.Logger.Error("fsxapi: snapshot source", "snapshot", r.ID, "err", &errSymlink{src.Dir})
			return
		}
		stats, err := volume.CopyTree(src.Dir, r.Dir, volume.CopyOptions{Skip: skip, Progress: progress})
		if err != nil {
			s.cfg.Logger.Error("fsxapi: snapshot copy", "snapshot", r.ID, "volume", src.ID, "err", err)
			return
		}
		err = s.update(context.Background(), func(tx *store.Tx) error {
			cur, err := snapshots(tx).Get(r.ID)
			if err != nil {
				return err
			}
			cur.Method, cur.Bytes = stats.Method(), stats.Bytes
			return snapshots(tx).Put(r.ID, cur)
		})
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			s.cfg.Logger.Error("fsxapi: snapshot record", "snapshot", r.ID, "err", err)
		}
	})
	return nil
}

// nestedVolumes returns a Skip for CopyTree that leaves out the volumes
// whose directories lie below v's: they are not part of v's snapshot.
func nestedVolumes(v *fsxd.Volume, vols []*fsxd.Volume) func(rel string) bool {
	nested := map[string]bool{}
	for _, o := range vols {
		if o.ID != v.ID && o.Dir != "" && within(v.Dir, o.Dir) && o.Dir != v.Dir {
			rel, _ := filepath.Rel(v.Dir, o.Dir)
			nested[filepath.ToSlash(rel)] = true
		}
	}
	return func(rel string) bool { return nested[rel] }
}

func (s *Service) dropSnapshot(ctx context.Context, r *fsxd.Snapshot) error {
	if s.work.busy(r.ID) || s.work.reading(r.ID) {
		return nil // the copy finishes first, and what copies from it
	}
	if ok, err := s.stillSnapshot(ctx, r.ID, fsxd.Deleting); err != nil || !ok {
		return err
	}
	if n, err := s.snapshotReaders(ctx, r.ID); err != nil || n > 0 {
		return err // a copy from it is under way, maybe on another node
	}
	if err := volume.RemoveTree(r.Dir); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return s.update(ctx, func(tx *store.Tx) error {
		_, err := drop(snapshots(tx), r.ID, func(r *fsxd.Snapshot) string { return r.Lifecycle }, nil)
		return err
	})
}

// snapshotReaders counts the volumes whose records say a copy from
// snapshot id is under way: made from it and still CREATING, or being
// restored or updated from it. The API refuses to delete such a snapshot
// (snapshotInUse); this covers records from before it did, and nodes
// other than the one copying.
func (s *Service) snapshotReaders(ctx context.Context, id string) (int, error) {
	var n int
	err := s.view(ctx, func(tx *store.Tx) error {
		var err error
		n, err = volumes(tx).Count(func(v *fsxd.Volume) bool {
			return v.Restoring == id || v.OriginSnapshotID == id && v.Lifecycle == fsxd.Creating
		})
		return err
	})
	return n, err
}

func (s *Service) stillSnapshot(ctx context.Context, id, lifecycle string) (bool, error) {
	var cur string
	err := s.view(ctx, func(tx *store.Tx) error {
		var err error
		cur, err = lifecycleOf(snapshots(tx), id, func(r *fsxd.Snapshot) string { return r.Lifecycle })
		return err
	})
	return cur == lifecycle, err
}

// startRestore puts a snapshot's tree back into v (volume.RestoreTree),
// keeping the nested volumes, and then clears v.Restoring; a failure is
// recorded (restoreDone).
func (s *Service) startRestore(v *fsxd.Volume, vols []*fsxd.Volume) {
	skip := nestedVolumes(v, vols)
	keep := func(name string) bool { return skip(name) || strings.HasPrefix(name, ".fsxd-") }
	snapID := v.Restoring
	s.work.startReading("restore/"+v.ID, snapID, func(progress func(volume.CopyStats)) {
		if !s.stillRestoring(v.ID, snapID) {
			return // done by the node that held the job before
		}
		_, err := volume.RestoreTree(s.snapshotDir(snapID), v.Dir, keep, progress)
		if err != nil {
			s.cfg.Logger.Error("fsxapi: restore", "volume", v.ID, "snapshot", snapID, "err", err)
		}
		if err := s.restoreDone(v.ID, snapID, err); err != nil {
			s.cfg.Logger.Error("fsxapi: restore record", "volume", v.ID, "err", err)
		}
	})
}

// stillRestoring reports, on a fresh read, whether volume volID is still
// to be restored from snapshot snapID.
func (s *Service) stillRestoring(volID, snapID string) bool {
	var cur string
	err := s.view(context.Background(), func(tx *store.Tx) error {
		v, err := volumes(tx).Get(volID)
		if err == nil {
			cur = v.Restoring
		}
		return err
	})
	return err == nil && cur == snapID
}

type snapRec struct{ *fsxd.Snapshot }

func (r snapRec) lifecycle() string  { return r.Lifecycle }
func (r snapRec) created() time.Time { return r.CreationTime }
