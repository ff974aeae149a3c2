package fsxapi

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/store"
	"github.com/fsxd/fsxd/volume"
)

// backupPass moves backups along: CREATING/COPYING -> copy and checksum
// (in the background) -> AVAILABLE once done and LifecycleDelay has
// passed; DELETED -> copy removed, then the record. A copy cut short by a
// crash is hidden (volume.CopyTree), cleaned at start (unless another node
// is making it) and made again.
func (s *Service) backupPass(ctx context.Context, vols []*fsxd.Volume) error {
	s.backupCleanOnce.Do(func() {
		if err := volume.CleanCopiesExcept(filepath.Dir(s.backupDir("x")), s.work.busy); err != nil {
			s.cfg.Logger.Error("fsxapi: clean backup leftovers", "err", err)
		}
	})
	var recs []*fsxd.Backup
	err := s.view(ctx, func(tx *store.Tx) error {
		var err error
		recs, _, err = backups(tx).List("", 0, nil)
		return err
	})
	if err != nil {
		return err
	}
	var errs []error
	for _, b := range recs {
		switch {
		case b.Lifecycle != backupDeleted && b.Lifecycle != fsxd.Creating && b.Lifecycle != backupCopying:
			// settled: no job, and no claim to look for
		case s.work.busy(b.ID):
		case b.Lifecycle == backupDeleted:
			errs = append(errs, s.dropBackup(ctx, b))
		case b.Checksum != "":
			if !s.now().Before(b.CreationTime.Add(s.cfg.LifecycleDelay)) {
				errs = append(errs, s.update(ctx, func(tx *store.Tx) error {
					return swap(backups(tx), b.ID, func(r *fsxd.Backup) *string { return &r.Lifecycle }, b.Lifecycle, fsxd.Available)
				}))
			}
		default:
			s.startBackupCopy(b, vols)
		}
	}
	return errors.Join(errs...)
}

// startBackupCopy copies a backup's source (a volume's tree, or the
// backup it copies) and records its size and checksum.
func (s *Service) startBackupCopy(b *fsxd.Backup, vols []*fsxd.Volume) {
	src, skip := s.backupDir(b.SourceBackupID), func(string) bool { return false }
	if b.SourceBackupID == "" {
		v := volumeByID(vols, b.VolumeID)
		if v == nil {
			return // gone without its final backup: nothing to copy
		}
		src = v.Dir
		if b.ResourceType == "VOLUME" {
			skip = nestedVolumes(v, vols) // an ONTAP volume is backed up alone
		}
	}
	s.work.start(b.ID, func(progress func(volume.CopyStats)) {
		err := s.copyBackup(b, src, skip, progress)
		if err != nil {
			s.cfg.Logger.Error("fsxapi: backup copy", "backup", b.ID, "err", err)
		}
	})
}

func (s *Service) copyBackup(b *fsxd.Backup, src string, skip func(string) bool, progress func(volume.CopyStats)) error {
	if !s.stillToCopy(b.ID) {
		return nil // done, or deleted, by the node that held the job before
	}
	if err := os.MkdirAll(filepath.Dir(b.Dir), 0o700); err != nil {
		return err
	}
	if !isDir(b.Dir) {
		if _, err := volume.CopyTree(src, b.Dir, volume.CopyOptions{Skip: skip, Progress: progress}); err != nil {
			return err
		}
	}
	sum, err := volume.TreeSum(b.Dir)
	if err != nil {
		return err
	}
	stats, err := treeBytes(b.Dir)
	if err != nil {
		return err
	}
	return s.update(context.Background(), func(tx *store.Tx) error {
		cur, err := backups(tx).Get(b.ID)
		if err != nil {
			return err
		}
		cur.Checksum, cur.Bytes = sum, stats
		return backups(tx).Put(b.ID, cur)
	})
}

// stillToCopy reports, on a fresh read, whether backup id still waits for
// its copy and checksum.
func (s *Service) stillToCopy(id string) bool {
	var todo bool
	err := s.view(context.Background(), func(tx *store.Tx) error {
		b, err := backups(tx).Get(id)
		if err == nil {
			todo = b.Checksum == "" && (b.Lifecycle == fsxd.Creating || b.Lifecycle == backupCopying)
		}
		return err
	})
	return err == nil && todo
}

func treeBytes(dir string) (int64, error) {
	var n int64
	err := filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() {
			n += fi.Size()
		}
		return err
	})
	return n, err
}

func (s *Service) dropBackup(ctx context.Context, b *fsxd.Backup) error {
	if err := volume.RemoveTree(b.Dir); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return s.update(ctx, func(tx *store.Tx) error {
		cur, err := backups(tx).Get(b.ID)
		if errors.Is(err, store.ErrNotFound) || err == nil && cur.Lifecycle != backupDeleted {
			return nil
		}
		if err != nil {
			return err
		}
		return backups(tx).Delete(b.ID)
	})
}

// backupPending reports whether a backup is still copying v's tree: v's
// directory must stay until it is done (the final backup of a deletion).
func (s *Service) backupPending(ctx context.Context, v *fsxd.Volume) (bool, error) {
	var n int
	err := s.view(ctx, func(tx *store.Tx) error {
		var err error
		n, err = backups(tx).Count(func(b *fsxd.Backup) bool {
			fsWide := b.ResourceType == "FILE_SYSTEM" && b.FileSystemID == v.FileSystemID // holds the children too
			return (b.VolumeID == v.ID || fsWide) && b.Lifecycle == fsxd.Creating && b.Checksum == ""
		})
		return err
	})
	return n > 0, err
}

// originDir is where a new volume's contents come from ("" for none), and
// checks a backup's checksum first: a damaged backup is not restored.
func (s *Service) originDir(ctx context.Context, v *fsxd.Volume) (string, error) {
	if v.OriginSnapshotID != "" {
		return s.snapshotDir(v.OriginSnapshotID), nil
	}
	if v.OriginBackupID == "" {
		return "", nil
	}
	var b *fsxd.Backup
	err := s.view(ctx, func(tx *store.Tx) error {
		var err error
		b, err = backups(tx).Get(v.OriginBackupID)
		return err
	})
	if errors.Is(err, store.ErrNotFound) || err == nil && b.Lifecycle == backupDeleted {
		return "", fmt.Errorf("backup %s: %w", v.OriginBackupID, volume.ErrSourceGone)
	}
	if err != nil {
		return "", err
	}
	sum, err := volume.TreeSum(b.Dir)
	if errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("backup %s: %w", b.ID, volume.ErrSourceGone)
	}
	if err != nil {
		return "", err
	}
	if sum != b.Checksum {
		return "", fmt.Errorf("backup %s: checksum %s, recorded %s: %w", b.ID, sum, b.Checksum, errBackupDamaged)
	}
	return b.Dir, nil
}

// errBackupDamaged is a backup whose tree no longer matches its checksum:
// a volume made from it would not be the backup, and trying again will
// not mend it.
var errBackupDamaged = errors.New("the backup's copy was damaged")
