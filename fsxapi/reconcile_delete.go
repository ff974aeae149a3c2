package fsxapi

import (
	"context"
	"errors"
	"time"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/store"
)

// deletions completes deletions once LifecycleDelay has passed since they
// began, so that DELETING can be seen, as on AWS: volumes first, then the
// SVMs and file systems they emptied (their checks re-read the store, so
// the same pass sees the volumes gone).
func (s *Service) deletions(ctx context.Context, fss []*fsxd.FileSystem, vms []*fsxd.SVM, vols []*fsxd.Volume) error {
	var errs []error
	for _, v := range vols {
		if s.deletable(v.Lifecycle, v.DeletionTime) {
			errs = append(errs, s.dropVolume(ctx, v))
		}
	}
	for _, vm := range vms {
		if s.deletable(vm.Lifecycle, vm.DeletionTime) {
			errs = append(errs, s.dropSVM(ctx, vm))
		}
	}
	for _, fs := range fss {
		if s.deletable(fs.Lifecycle, fs.DeletionTime) {
			errs = append(errs, s.dropFS(ctx, fs))
		}
	}
	return errors.Join(errs...)
}

// deletable: DELETING since at least LifecycleDelay ago (or since before
// fsxd recorded when).
func (s *Service) deletable(lifecycle string, since time.Time) bool {
	return lifecycle == fsxd.Deleting && !s.now().Before(since.Add(s.cfg.LifecycleDelay))
}

func (s *Service) dropVolume(ctx context.Context, v *fsxd.Volume) error {
	// Another node may have dropped it already, and a new volume of the
	// same name taken its directory since.
	if ok, err := s.still(ctx, fsxd.KindVolume, v.ID, fsxd.Deleting); err != nil || !ok {
		return err
	}
	if s.work.busy("origin/"+v.ID) || s.work.busy("restore/"+v.ID) {
		return nil // a copy into it would put its tree back after the removal
	}
	if busy, err := s.backupPending(ctx, v); err != nil || busy {
		return err // its final backup is still copying it
	}
	// One node at a time removes the tree and drops the record, under a
	// claim (joblock.go). Two at once double the work, and one that
	// stalled between its check above and the removal would remove, by
	// name, the directory of a volume made at the same path once the
	// other had dropped this one.
	release, ok := s.work.claims.take("delete/" + v.ID)
	if !ok {
		return nil // another node is removing it
	}
	defer release()
	if ok, err := s.still(ctx, fsxd.KindVolume, v.ID, fsxd.Deleting); err != nil || !ok {
		return err // dropped by the node that held the claim before
	}
	if s.work.hold != nil {
		s.work.hold("delete/" + v.ID)
	}
	if !v.Imported {
		err := s.removeDir(v.Dir)
		var sym *errSymlink
		if errors.As(err, &sym) {
			// Someone made a symlink of a directory on the way: what it
			// points at is not the volume's, and the volume's own tree is
			// no longer where its record says. Leave both; drop the record.
			s.cfg.Logger.Error("fsxapi: volume directory not removed", "volume", v.ID, "err", err)
		} else if err != nil {
			return err
		}
	}
	return s.update(ctx, func(tx *store.Tx) error {
		_, err := drop(volumes(tx), v.ID, func(r *fsxd.Volume) string { return r.Lifecycle }, nil)
		return err
	})
}

func (s *Service) dropSVM(ctx context.Context, vm *fsxd.SVM) error {
	return s.dropWhenEmpty(ctx, vm.Dir, func(tx *store.Tx) (bool, error) {
		return drop(svms(tx), vm.ID, func(r *fsxd.SVM) string { return r.Lifecycle }, func() (bool, error) {
			n, err := volumes(tx).Count(func(v *fsxd.Volume) bool { return v.SVMID == vm.ID })
			return n > 0, err
		})
	})
}

func (s *Service) dropFS(ctx context.Context, fs *fsxd.FileSystem) error {
	return s.dropWhenEmpty(ctx, fs.Dir, func(tx *store.Tx) (bool, error) {
		return drop(fileSystems(tx), fs.ID, func(r *fsxd.FileSystem) string { return r.Lifecycle }, func() (bool, error) {
			nv, err := volumes(tx).Count(func(v *fsxd.Volume) bool { return v.FileSystemID == fs.ID })
			if err != nil || nv > 0 {
				return true, err
			}
			ns, err := svms(tx).Count(func(v *fsxd.SVM) bool { return v.FileSystemID == fs.ID })
			return ns > 0, err
		})
	})
}

// dropWhenEmpty deletes a container's record once nothing depends on it,
// and then its directory. The record goes first: a directory left behind
// by a crash is harmless, a record without its directory is not.
func (s *Service) dropWhenEmpty(ctx context.Context, dir string, fn func(*store.Tx) (bool, error)) error {
	var dropped bool
	err := s.update(ctx, func(tx *store.Tx) error {
		var err error
		dropped, err = fn(tx)
		return err
	})
	if err != nil || !dropped {
		return err
	}
	return s.removeDir(dir)
}
