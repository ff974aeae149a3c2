package fsxapi

import (
	"context"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/store"
)

// CopySnapshotAndUpdateVolume makes a volume hold the tree of a snapshot
// of another volume (on AWS, of another file system's volume): the same
// in-place replacement as RestoreVolumeFromSnapshot (volume.RestoreTree),
// run until done by the reconciler. fsxd copies the whole tree for
// FULL_COPY and INCREMENTAL_COPY alike (docs/decisions.md, "Snapshot and
// backup data").
func (s *Service) CopySnapshotAndUpdateVolume(ctx context.Context, in *CopySnapshotAndUpdateVolumeRequest) (*CopySnapshotAndUpdateVolumeResponse, error) {
	return once(ctx, s, fsxd.OpCopySnapshotAndUpdateVolume, in.ClientRequestToken, in, func(tx *store.Tx) (*CopySnapshotAndUpdateVolumeResponse, string, error) {
		volID := val(in.VolumeId)
		v, err := volumes(tx).Get(volID)
		if err != nil {
			return nil, "", notFoundAs(err, volNotFound(volID))
		}
		if strategy := or(in.CopyStrategy, "FULL_COPY"); strategy == "CLONE" {
			return nil, "", badRequest("The copy strategy CLONE is not valid for CopySnapshotAndUpdateVolume; use FULL_COPY or INCREMENTAL_COPY.")
		}
		snap, err := s.snapshotByARN(tx, val(in.SourceSnapshotARN))
		if err != nil {
			return nil, "", err
		}
		switch {
		case v.Type != fsxd.TypeOpenZFS:
			return nil, "", badRequest("Volume %s is not an OPENZFS volume.", volID)
		case snap.VolumeID == volID:
			return nil, "", badRequest("Snapshot %s is of volume %s itself; use RestoreVolumeFromSnapshot.", snap.ID, volID)
		case v.Lifecycle != fsxd.Available:
			return nil, "", badRequest("Volume %s is %s; only an AVAILABLE volume can be updated.", volID, v.Lifecycle)
		case v.Restoring != "":
			return nil, "", badRequest("Volume %s is already being updated from snapshot %s.", volID, v.Restoring)
		}
		v.Restoring, v.RestoreAction, v.RestoreFailure = snap.ID, "VOLUME_UPDATE_WITH_SNAPSHOT", ""
		if err := volumes(tx).Put(volID, v); err != nil {
			return nil, "", err
		}
		shape, err := renderVolume(v)
		if err != nil {
			return nil, "", err
		}
		return &CopySnapshotAndUpdateVolumeResponse{VolumeId: ptr(volID), Lifecycle: ptr(v.Lifecycle), AdministrativeActions: shape.AdministrativeActions}, volID, nil
	})
}
