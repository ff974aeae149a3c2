package fsxapi

import (
	"context"
	"slices"
	"strings"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/store"
)

// RestoreVolumeFromSnapshot puts a volume back to one of its snapshots.
// As on ZFS (zfs rollback), the snapshots taken after it go too, and the
// volumes cloned from those: only when Options say so. The volume stays
// AVAILABLE with a VOLUME_RESTORE administrative action until the
// reconciler has put the tree back (volume.RestoreTree).
func (s *Service) RestoreVolumeFromSnapshot(ctx context.Context, in *RestoreVolumeFromSnapshotRequest) (*RestoreVolumeFromSnapshotResponse, error) {
	return once(ctx, s, fsxd.OpRestoreVolumeFromSnapshot, in.ClientRequestToken, in, func(tx *store.Tx) (*RestoreVolumeFromSnapshotResponse, string, error) {
		return s.restoreVolume(tx, in)
	})
}

func (s *Service) restoreVolume(tx *store.Tx, in *RestoreVolumeFromSnapshotRequest) (*RestoreVolumeFromSnapshotResponse, string, error) {
	volID, snapID := val(in.VolumeId), val(in.SnapshotId)
	v, err := volumes(tx).Get(volID)
	if err != nil {
		return nil, "", notFoundAs(err, volNotFound(volID))
	}
	snap, err := snapshots(tx).Get(snapID)
	if err != nil {
		return nil, "", notFoundAs(err, snapNotFound(snapID))
	}
	switch {
	case snap.VolumeID != volID:
		return nil, "", badRequest("Snapshot %s is not a snapshot of volume %s.", snapID, volID)
	case snap.Lifecycle != fsxd.Available:
		return nil, "", badRequest("Snapshot %s is %s; only an AVAILABLE snapshot can be restored.", snapID, snap.Lifecycle)
	case v.Lifecycle != fsxd.Available:
		return nil, "", badRequest("Volume %s is %s; only an AVAILABLE volume can be restored.", volID, v.Lifecycle)
	case v.Restoring != "":
		return nil, "", badRequest("Volume %s is already being restored from snapshot %s.", volID, v.Restoring)
	}
	later, clones, err := restoreCasualties(tx, snap)
	if err != nil {
		return nil, "", err
	}
	if len(later) > 0 && !slices.Contains(in.Options, "DELETE_INTERMEDIATE_SNAPSHOTS") {
		return nil, "", badRequest("Volume %s has snapshots taken after snapshot %s (%s). To restore it, specify the option DELETE_INTERMEDIATE_SNAPSHOTS.", volID, snapID, idsOf(later, func(r *fsxd.Snapshot) string { return r.ID }))
	}
	if len(clones) > 0 && !slices.Contains(in.Options, "DELETE_CLONED_VOLUMES") {
		return nil, "", badRequest("Volumes were cloned from snapshots taken after snapshot %s (%s). To restore volume %s, specify the option DELETE_CLONED_VOLUMES.", snapID, idsOf(clones, func(v *fsxd.Volume) string { return v.ID }), volID)
	}
	if err := noAttachments(tx, "cloned volumes of "+volID, clones); err != nil {
		return nil, "", err
	}
	if err := deleteSnapshots(tx, later, clones); err != nil {
		return nil, "", err
	}
	if err := startDeleting(tx, clones, s.now()); err != nil {
		return nil, "", err
	}
	v.Restoring, v.RestoreAction, v.RestoreFailure = snapID, "VOLUME_RESTORE", ""
	if err := volumes(tx).Put(volID, v); err != nil {
		return nil, "", err
	}
	shape, err := renderVolume(v)
	if err != nil {
		return nil, "", err
	}
	return &RestoreVolumeFromSnapshotResponse{VolumeId: ptr(volID), Lifecycle: ptr(v.Lifecycle), AdministrativeActions: shape.AdministrativeActions}, volID, nil
}

// restoreCasualties returns the snapshots of snap's volume taken after it
// and the live volumes cloned from those.
func restoreCasualties(tx *store.Tx, snap *fsxd.Snapshot) ([]*fsxd.Snapshot, []*fsxd.Volume, error) {
	later, _, err := snapshots(tx).List("", 0, func(r *fsxd.Snapshot) bool {
		return r.VolumeID == snap.VolumeID && r.ID != snap.ID && r.Lifecycle != fsxd.Deleting && r.CreationTime.After(snap.CreationTime)
	})
	if err != nil || len(later) == 0 {
		return later, nil, err
	}
	clones, _, err := volumes(tx).List("", 0, func(v *fsxd.Volume) bool {
		return v.Lifecycle != fsxd.Deleting && isCloneOfAny(v, later)
	})
	return later, clones, err
}

func isCloneOfAny(v *fsxd.Volume, snaps []*fsxd.Snapshot) bool {
	if v.OriginSnapshotID == "" || originStrategy(v) != "CLONE" {
		return false
	}
	return slices.ContainsFunc(snaps, func(r *fsxd.Snapshot) bool { return r.ID == v.OriginSnapshotID })
}

// originStrategy is the CopyStrategy v was created with ("" for none).
func originStrategy(v *fsxd.Volume) string {
	w, err := unwire[Volume](v.Wire)
	if err != nil || w.OpenZFSConfiguration == nil || w.OpenZFSConfiguration.OriginSnapshot == nil {
		return ""
	}
	return val(w.OpenZFSConfiguration.OriginSnapshot.CopyStrategy)
}

func idsOf[T any](items []*T, id func(*T) string) string {
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = id(it)
	}
	return strings.Join(ids, ", ")
}
