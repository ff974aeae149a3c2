package fsxapi

// OpenZFS snapshots: records here, data in volume.CopyTree (snap_work.go
// runs the copies). A snapshot is CREATING until its copy is complete and
// LifecycleDelay has passed, then AVAILABLE; DeleteSnapshot makes it
// DELETING and the reconciler removes its copy, then its record.

import (
	"context"
	"path/filepath"
	"slices"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/awsjson"
	"github.com/fsxd/fsxd/store"
)

func snapshots(tx *store.Tx) store.Table[fsxd.Snapshot] { return store.Snapshots.In(tx) }
func backups(tx *store.Tx) store.Table[fsxd.Backup]     { return store.Backups.In(tx) }

func snapNotFound(id string) error {
	return awserr.SnapshotNotFound.Err("Snapshot '%s' does not exist.", id)
}

// snapshotDir is where a snapshot's copy lives: outside every volume, so
// no access point lists it except through .zfs/snapshot.
func (s *Service) snapshotDir(id string) string {
	return filepath.Join(s.cfg.DataDir, "snapshots", id)
}

// CreateSnapshot starts a snapshot of an AVAILABLE OpenZFS volume.
func (s *Service) CreateSnapshot(ctx context.Context, in *CreateSnapshotRequest) (*CreateSnapshotResponse, error) {
	return once(ctx, s, fsxd.OpCreateSnapshot, in.ClientRequestToken, in, func(tx *store.Tx) (*CreateSnapshotResponse, string, error) {
		return s.createSnapshot(tx, in)
	})
}

func (s *Service) createSnapshot(tx *store.Tx, in *CreateSnapshotRequest) (*CreateSnapshotResponse, string, error) {
	volID, name := val(in.VolumeId), val(in.Name)
	v, err := volumes(tx).Get(volID)
	if err != nil {
		return nil, "", notFoundAs(err, volNotFound(volID))
	}
	if v.Type != fsxd.TypeOpenZFS {
		return nil, "", badRequest("Snapshots are supported only for OPENZFS volumes; %s is an %s volume.", volID, v.Type)
	}
	if v.Lifecycle != fsxd.Available {
		return nil, "", badRequest("Volume %s is %s; a snapshot needs an AVAILABLE volume.", volID, v.Lifecycle)
	}
	if v.Restoring != "" {
		return nil, "", badRequest("Volume %s is being restored from snapshot %s; take a snapshot once that is done.", volID, v.Restoring)
	}
	if err := snapshotNameFree(tx, volID, name, ""); err != nil {
		return nil, "", err
	}
	id := s.newID(fsxd.SnapshotPrefix)
	tags := fromWireTags(in.Tags)
	if len(tags) == 0 && copyTagsToSnapshots(v) {
		tags = slices.Clone(v.Tags)
	}
	rec := &fsxd.Snapshot{
		ID: id, VolumeID: volID, FileSystemID: v.FileSystemID, Name: name,
		Lifecycle: fsxd.Creating, CreationTime: s.now(), Dir: s.snapshotDir(id), Tags: tags,
	}
	if err := snapshots(tx).Insert(id, rec); err != nil {
		return nil, "", err
	}
	return &CreateSnapshotResponse{Snapshot: s.renderSnapshot(rec)}, id, nil
}

// copyTagsToSnapshots reads the volume's CopyTagsToSnapshots setting.
func copyTagsToSnapshots(v *fsxd.Volume) bool {
	w, err := unwire[Volume](v.Wire)
	if err != nil || w.OpenZFSConfiguration == nil {
		return false
	}
	return val(w.OpenZFSConfiguration.CopyTagsToSnapshots)
}

// snapshotNameFree: names are unique per volume, as ZFS's are per dataset.
func snapshotNameFree(tx *store.Tx, volID, name, self string) error {
	n, err := snapshots(tx).Count(func(r *fsxd.Snapshot) bool {
		return r.VolumeID == volID && r.Name == name && r.ID != self && r.Lifecycle != fsxd.Deleting
	})
	if err != nil {
		return err
	}
	if n > 0 {
		return badRequest("A snapshot named %s already exists on volume %s.", name, volID)
	}
	return nil
}

// DescribeSnapshots lists snapshots by id or by filters (file-system-id,
// volume-id), a page at a time. IncludeShared changes nothing: fsxd has
// no other accounts to share with.
func (s *Service) DescribeSnapshots(ctx context.Context, in *DescribeSnapshotsRequest) (*DescribeSnapshotsResponse, error) {
	ids := sortedUnique(in.SnapshotIds)
	filters := make([]filter, len(in.Filters))
	for i, f := range in.Filters {
		filters[i] = filter{val(f.Name), f.Values}
	}
	recs, err := getOrList(ctx, s, snapshots, ids, snapNotFound)
	if err != nil {
		return nil, err
	}
	recs = keep(recs, func(r *fsxd.Snapshot) bool {
		return matches(filters, func(name string) string {
			if name == "volume-id" {
				return r.VolumeID
			}
			return r.FileSystemID
		})
	})
	pg, err := paginate(fsxd.OpDescribeSnapshots, queryDigest(ids, filters), recs, func(r *fsxd.Snapshot) string { return r.ID }, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	out := make([]Snapshot, 0, len(pg.Items))
	for _, r := range pg.Items {
		out = append(out, *s.renderSnapshot(r))
	}
	return &DescribeSnapshotsResponse{Snapshots: out, NextToken: pg.Next}, nil
}

func (s *Service) renderSnapshot(r *fsxd.Snapshot) *Snapshot {
	out := &Snapshot{
		ResourceARN:  ptr(s.cfg.Account.SnapshotARN(r.VolumeID, r.ID)),
		SnapshotId:   ptr(r.ID),
		Name:         ptr(r.Name),
		VolumeId:     ptr(r.VolumeID),
		CreationTime: ptr(awsTime(r.CreationTime)),
		Lifecycle:    ptr(r.Lifecycle),
		Tags:         toWireTags(r.Tags),
	}
	if msg := s.work.progress(r.ID); msg != "" {
		out.LifecycleTransitionReason = &LifecycleTransitionReason{Message: ptr(msg)}
	} else if r.Method != "" {
		out.LifecycleTransitionReason = &LifecycleTransitionReason{Message: ptr(copiedMessage(r.Method, r.Bytes))}
	}
	return out
}

// UpdateSnapshot renames a snapshot.
func (s *Service) UpdateSnapshot(ctx context.Context, in *UpdateSnapshotRequest) (*UpdateSnapshotResponse, error) {
	return once(ctx, s, fsxd.OpUpdateSnapshot, in.ClientRequestToken, in, func(tx *store.Tx) (*UpdateSnapshotResponse, string, error) {
		id := val(in.SnapshotId)
		r, err := snapshots(tx).Get(id)
		if err != nil {
			return nil, "", notFoundAs(err, snapNotFound(id))
		}
		if err := snapshotNameFree(tx, r.VolumeID, val(in.Name), id); err != nil {
			return nil, "", err
		}
		r.Name = val(in.Name)
		if err := snapshots(tx).Put(id, r); err != nil {
			return nil, "", err
		}
		return &UpdateSnapshotResponse{Snapshot: s.renderSnapshot(r)}, id, nil
	})
}

// DeleteSnapshot starts deleting a snapshot; a volume being restored from
// it, or cloned from it, keeps it.
func (s *Service) DeleteSnapshot(ctx context.Context, in *DeleteSnapshotRequest) (*DeleteSnapshotResponse, error) {
	return once(ctx, s, fsxd.OpDeleteSnapshot, in.ClientRequestToken, in, func(tx *store.Tx) (*DeleteSnapshotResponse, string, error) {
		id := val(in.SnapshotId)
		r, err := snapshots(tx).Get(id)
		if err != nil {
			return nil, "", notFoundAs(err, snapNotFound(id))
		}
		if err := snapshotInUse(tx, r); err != nil {
			return nil, "", err
		}
		r.Lifecycle = fsxd.Deleting
		return &DeleteSnapshotResponse{SnapshotId: ptr(id), Lifecycle: ptr(fsxd.Deleting)}, id, snapshots(tx).Put(id, r)
	})
}

// snapshotInUse refuses to delete a snapshot that a volume still needs:
// one being restored from it, one being made from it, or a CLONE of it
// (on AWS a clone shares the snapshot's blocks, so the snapshot stays
// while the clone lives; fsxd's clone is a copy, but answers the same).
// Volumes in going are deleted by the same call and need nothing.
func snapshotInUse(tx *store.Tx, r *fsxd.Snapshot, going ...*fsxd.Volume) error {
	users, _, err := volumes(tx).List("", 0, func(v *fsxd.Volume) bool {
		if slices.ContainsFunc(going, func(g *fsxd.Volume) bool { return g.ID == v.ID }) {
			return false
		}
		if v.Restoring == r.ID {
			return true
		}
		if v.OriginSnapshotID != r.ID {
			return false
		}
		return v.Lifecycle == fsxd.Creating || v.Lifecycle != fsxd.Deleting && originStrategy(v) == "CLONE"
	})
	if err != nil {
		return err
	}
	if len(users) > 0 {
		return badRequest("Snapshot %s is in use by volume %s.", r.ID, users[0].ID)
	}
	return nil
}

// deleteSnapshots makes snaps DELETING, as DeleteSnapshot would each, or
// refuses them all when one is in use: the options that delete snapshots
// along with a restore or a volume do not override that.
func deleteSnapshots(tx *store.Tx, snaps []*fsxd.Snapshot, going []*fsxd.Volume) error {
	for _, r := range snaps {
		if err := snapshotInUse(tx, r, going...); err != nil {
			return err
		}
	}
	for _, r := range snaps {
		r.Lifecycle = fsxd.Deleting
		if err := snapshots(tx).Put(r.ID, r); err != nil {
			return err
		}
	}
	return nil
}

// registerSnapshots adds the snapshot and backup operations.
func (s *Service) registerSnapshots(m *awsjson.Mux) {
	m.Handle(fsxd.OpCreateSnapshot, awsjson.Op(s.CreateSnapshot))
	m.Handle(fsxd.OpDescribeSnapshots, awsjson.Op(s.DescribeSnapshots))
	m.Handle(fsxd.OpUpdateSnapshot, awsjson.Op(s.UpdateSnapshot))
	m.Handle(fsxd.OpDeleteSnapshot, awsjson.Op(s.DeleteSnapshot))
	m.Handle(fsxd.OpRestoreVolumeFromSnapshot, awsjson.Op(s.RestoreVolumeFromSnapshot))
	m.Handle(fsxd.OpCopySnapshotAndUpdateVolume, awsjson.Op(s.CopySnapshotAndUpdateVolume))
}
