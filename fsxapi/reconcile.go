package fsxapi

import (
	"context"
	"errors"
	"os"
	"slices"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/store"
	"github.com/fsxd/fsxd/volume"
)

// Reconcile runs one pass of the lifecycle machine:
//
//	file system  CREATING -> AVAILABLE                 DELETING -> gone, once its volumes and SVMs are
//	SVM          CREATING -> CREATED                   DELETING -> gone, once its volumes are
//	volume       CREATING -> AVAILABLE (OpenZFS)       DELETING -> gone
//	                         CREATED (ONTAP)
//
// A creation completes once LifecycleDelay has passed since CreationTime;
// its directory is made first. A deletion removes the directory (unless
// imported) and then the record. All state is in the store, so a restart
// just carries on, and each transition re-reads its record inside its own
// transaction, so several nodes may reconcile at once: the first one wins,
// the others find nothing left to do. Each pass also forgets a bounded
// number of idempotency records past idempotency.Keep.
func (s *Service) Reconcile(ctx context.Context) error {
	var fss []*fsxd.FileSystem
	var vms []*fsxd.SVM
	var vols []*fsxd.Volume
	err := s.view(ctx, func(tx *store.Tx) error {
		var err error
		if fss, _, err = fileSystems(tx).List("", 0, nil); err != nil {
			return err
		}
		if vms, _, err = svms(tx).List("", 0, nil); err != nil {
			return err
		}
		vols, _, err = volumes(tx).List("", 0, nil)
		return err
	})
	if err != nil {
		return err
	}
	return errors.Join(s.creations(ctx, fss, vms, vols), s.deletions(ctx, fss, vms, vols), s.adoptRootIDs(ctx, vols),
		s.snapshotPass(ctx, vols), s.backupPass(ctx, vols), s.autoBackupPass(ctx, fss, vols),
		s.expireTokens(ctx))
}

func (s *Service) due(r fsxdCreated) bool {
	return r.lifecycle() == fsxd.Creating && !s.now().Before(r.created().Add(s.cfg.LifecycleDelay))
}

func (s *Service) creations(ctx context.Context, fss []*fsxd.FileSystem, vms []*fsxd.SVM, vols []*fsxd.Volume) error {
	var errs []error
	// A file system's directory comes first, but it turns AVAILABLE only
	// after its volumes: a caller that waited for the file system may use
	// its root volume at once, as on AWS.
	var fsDue []*fsxd.FileSystem
	for _, fs := range fss {
		if s.due(fsRec{fs}) {
			if err := s.makeDir(fs.Dir, 0o755); err != nil {
				errs = append(errs, err)
				continue
			}
			fsDue = append(fsDue, fs)
		}
	}
	for _, vm := range vms {
		if s.due(svmRec{vm}) {
			errs = append(errs, s.finish(ctx, fsxd.KindSVM, vm.ID, vm.Dir, ontapDirMode, fsxd.Created))
		}
	}
	// Parents before children, so each directory gets its own mode.
	filling := map[string]bool{}
	vols = slices.Clone(vols)
	slices.SortFunc(vols, func(a, b *fsxd.Volume) int { return len(a.Dir) - len(b.Dir) })
	for _, v := range vols {
		if !s.due(volRec{v}) {
			continue
		}
		next := fsxd.Available
		if v.Type == fsxd.TypeONTAP {
			next = fsxd.Created
		}
		if !s.volumeDirUsable(v) {
			next, v.Dir = fsxd.Failed, "" // make nothing outside the data dir
		} else if s.fillFromOrigin(v) {
			filling[v.ID] = true // AVAILABLE once its origin's copy is in place
			continue
		}
		errs = append(errs, s.finish(ctx, fsxd.KindVolume, v.ID, v.Dir, volumeDirMode(v), next))
	}
	for _, fs := range fsDue {
		if filling[fs.RootVolumeID] {
			continue // restored from a backup: not before its root volume is
		}
		if root := volumeByID(vols, fs.RootVolumeID); root != nil && root.Lifecycle == fsxd.Failed {
			errs = append(errs, s.rootFailed(ctx, fs.ID, root))
			continue
		}
		errs = append(errs, s.finish(ctx, fsxd.KindFileSystem, fs.ID, fs.Dir, 0o755, fsxd.Available))
	}
	return errors.Join(errs...)
}

// volumeByID is the volume of vols with id, or nil.
func volumeByID(vols []*fsxd.Volume, id string) *fsxd.Volume {
	for _, v := range vols {
		if v.ID == id {
			return v
		}
	}
	return nil
}

// rootFailed makes a CREATING file system whose root volume FAILED (its
// backup could not be copied) FAILED too, with the volume's reason: it
// would otherwise turn AVAILABLE with no usable root volume.
func (s *Service) rootFailed(ctx context.Context, fsID string, root *fsxd.Volume) error {
	return s.update(ctx, func(tx *store.Tx) error {
		cur, err := fileSystems(tx).Get(fsID)
		if err != nil || cur.Lifecycle != fsxd.Creating {
			return ignoreNotFound(err)
		}
		cur.Lifecycle = fsxd.Failed
		cur.FailureReason = "Root volume " + root.ID + " failed: " + root.FailureReason
		return fileSystems(tx).Put(fsID, cur)
	})
}

// volumeDirUsable reports whether a new volume's directory may be made or
// used: an import must still exist, and anything outside the data
// directory must still be below an import root (the operator may have
// withdrawn it since the request, or since the parent's import).
func (s *Service) volumeDirUsable(v *fsxd.Volume) bool {
	if err := s.cfg.Imports.Serves(v.Dir); err != nil {
		s.cfg.Logger.Error("fsxapi: volume directory no longer allowed", "volume", v.ID, "dir", v.Dir, "err", err)
		return false
	}
	if v.Imported && !isDir(v.Dir) {
		s.cfg.Logger.Error("fsxapi: imported directory is gone", "volume", v.ID, "dir", v.Dir)
		return false
	}
	return true
}

// finish makes a resource's directory and moves it out of CREATING. A
// directory that cannot be made fails a volume; other kinds retry.
func (s *Service) finish(ctx context.Context, kind, id, dir string, mode os.FileMode, next string) error {
	if ok, err := s.still(ctx, kind, id, fsxd.Creating); err != nil || !ok {
		return err
	}
	if dir == "" {
		return s.setLifecycle(ctx, kind, id, fsxd.Creating, next)
	}
	err := s.makeDir(dir, mode)
	if err == nil && kind == fsxd.KindVolume {
		var rootID string
		if rootID, err = volume.DirID(dir); err == nil {
			return s.setVolumeLive(ctx, id, next, rootID)
		}
	}
	if err != nil {
		s.cfg.Logger.Error("fsxapi: make directory", "kind", kind, "id", id, "dir", dir, "err", err)
		if kind != fsxd.KindVolume {
			return err
		}
		next = fsxd.Failed
	}
	return s.setLifecycle(ctx, kind, id, fsxd.Creating, next)
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}
