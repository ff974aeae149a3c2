package fsxapi

import (
	"context"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/store"
	"github.com/fsxd/fsxd/volume"
)

// originSnapshot checks CreateVolume's OriginSnapshot: an AVAILABLE
// snapshot named by its ARN; CLONE only within the snapshot's own file
// system (on AWS a clone shares the snapshot's blocks); INCREMENTAL_COPY
// only for CopySnapshotAndUpdateVolume.
func (s *Service) originSnapshot(tx *store.Tx, c *CreateOpenZFSOriginSnapshotConfiguration, fsID string) (*fsxd.Snapshot, error) {
	r, err := s.snapshotByARN(tx, val(c.SnapshotARN))
	if err != nil {
		return nil, err
	}
	switch strategy := val(c.CopyStrategy); {
	case strategy == "INCREMENTAL_COPY":
		return nil, badRequest("The copy strategy INCREMENTAL_COPY is only for CopySnapshotAndUpdateVolume.")
	case strategy == "CLONE" && r.FileSystemID != fsID:
		return nil, badRequest("Snapshot %s belongs to file system %s; use the copy strategy FULL_COPY to copy it to file system %s.", r.ID, r.FileSystemID, fsID)
	}
	return r, nil
}

// snapshotByARN loads the AVAILABLE snapshot an ARN names.
func (s *Service) snapshotByARN(tx *store.Tx, arn string) (*fsxd.Snapshot, error) {
	ref, err := s.parseARN(arn)
	if err != nil {
		return nil, err
	}
	if ref.kind != "snapshot" {
		return nil, badRequest("%s is not a snapshot ARN.", arn)
	}
	r, err := snapshots(tx).Get(ref.id)
	if err != nil || r.VolumeID != ref.fsID {
		return nil, notFoundAs(orNotFound(err), snapNotFound(ref.id))
	}
	if r.Lifecycle != fsxd.Available {
		return nil, badRequest("Snapshot %s is %s; only an AVAILABLE snapshot can be copied.", r.ID, r.Lifecycle)
	}
	return r, nil
}

func orNotFound(err error) error {
	if err == nil {
		return store.ErrNotFound
	}
	return err
}

// fillFromOrigin copies a new volume's origin (snapshot or backup) into
// its directory in the background; it reports whether the directory is
// still to come.
func (s *Service) fillFromOrigin(v *fsxd.Volume) bool {
	if v.OriginSnapshotID == "" && v.OriginBackupID == "" || isDir(v.Dir) {
		return false
	}
	s.work.startReading("origin/"+v.ID, v.OriginSnapshotID, func(progress func(volume.CopyStats)) {
		if isDir(v.Dir) {
			return // made by the node that held the job before
		}
		src, err := s.originDir(context.Background(), v)
		if err == nil {
			_, err = volume.CopyTree(src, v.Dir, volume.CopyOptions{Whole: true, Progress: progress})
		}
		if err != nil {
			s.cfg.Logger.Error("fsxapi: volume from its origin", "volume", v.ID, "snapshot", v.OriginSnapshotID, "backup", v.OriginBackupID, "err", err)
		}
		if reason := originFailure(v, err); reason != "" {
			if err := s.originFailed(v, reason); err != nil {
				s.cfg.Logger.Error("fsxapi: volume record", "volume", v.ID, "err", err)
			}
		}
	})
	return true
}
