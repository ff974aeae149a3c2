package fsxapi

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/store"
)

// DeleteVolume starts deleting a volume: DELETING now, gone (with its
// directory, unless imported) LifecycleDelay later. Root
// volumes cannot be deleted; OpenZFS child volumes go too only with
// DELETE_CHILD_VOLUMES_AND_SNAPSHOTS; ONTAP volumes with other volumes
// mounted below their junction must wait for those; attached S3 access
// points block the delete.
func (s *Service) DeleteVolume(ctx context.Context, in *DeleteVolumeRequest) (*DeleteVolumeResponse, error) {
	return once(ctx, s, fsxd.OpDeleteVolume, in.ClientRequestToken, in, func(tx *store.Tx) (*DeleteVolumeResponse, string, error) {
		return s.deleteVolume(tx, in)
	})
}

func (s *Service) deleteVolume(tx *store.Tx, in *DeleteVolumeRequest) (*DeleteVolumeResponse, string, error) {
	id := val(in.VolumeId)
	v, err := volumes(tx).Get(id)
	if err != nil {
		return nil, "", notFoundAs(err, volNotFound(id))
	}
	out := &DeleteVolumeResponse{VolumeId: ptr(id), Lifecycle: ptr(fsxd.Deleting)}
	if v.Lifecycle == fsxd.Deleting {
		return out, id, nil
	}
	if (in.OntapConfiguration != nil && v.Type != fsxd.TypeONTAP) || (in.OpenZFSConfiguration != nil && v.Type != fsxd.TypeOpenZFS) {
		return nil, "", badRequest("The configuration does not match the %s volume %s.", v.Type, id)
	}
	if isRoot(v) {
		return nil, "", badRequest("Volume %s is a root volume and cannot be deleted.", id)
	}
	doomed, err := s.volumesToDelete(tx, v, in.OpenZFSConfiguration)
	if err != nil {
		return nil, "", err
	}
	if err := noAttachments(tx, "volume "+id, doomed); err != nil {
		return nil, "", err
	}
	var opts []string
	if c := in.OpenZFSConfiguration; c != nil {
		opts = c.Options
	}
	if err := doomSnapshots(tx, "Volume "+id, doomed, opts); err != nil {
		return nil, "", err
	}
	if out.OntapResponse, err = s.finalVolumeBackup(tx, v, in.OntapConfiguration); err != nil {
		return nil, "", err
	}
	return out, id, startDeleting(tx, doomed, s.now())
}

// startDeleting turns vols DELETING as of now; the reconciler removes
// them once LifecycleDelay has passed.
func startDeleting(tx *store.Tx, vols []*fsxd.Volume, now time.Time) error {
	for _, v := range vols {
		v.Lifecycle, v.DeletionTime = fsxd.Deleting, now
		if err := volumes(tx).Put(v.ID, v); err != nil {
			return err
		}
	}
	return nil
}

// volumesToDelete returns v and what goes with it, or why it cannot go.
func (s *Service) volumesToDelete(tx *store.Tx, v *fsxd.Volume, c *DeleteVolumeOpenZFSConfiguration) ([]*fsxd.Volume, error) {
	all, err := fsVolumes(tx, v.FileSystemID)
	if err != nil {
		return nil, err
	}
	if v.Type == fsxd.TypeONTAP {
		var below []string
		for _, o := range all {
			if o.SVMID == v.SVMID && v.JunctionPath != "" && strings.HasPrefix(o.JunctionPath, v.JunctionPath+"/") {
				below = append(below, o.ID)
			}
		}
		if len(below) > 0 {
			return nil, badRequest("Volumes are mounted below %s (%s); delete or unmount them first.", v.JunctionPath, strings.Join(below, ", "))
		}
		return []*fsxd.Volume{v}, nil
	}
	children := descendants(all, v.ID)
	if len(children) > 0 && (c == nil || !slices.Contains(c.Options, "DELETE_CHILD_VOLUMES_AND_SNAPSHOTS")) {
		ids := make([]string, len(children))
		for i, ch := range children {
			ids[i] = ch.ID
		}
		return nil, badRequest("Volume %s has child volumes (%s); delete them or specify the option DELETE_CHILD_VOLUMES_AND_SNAPSHOTS.", v.ID, strings.Join(ids, ", "))
	}
	return append([]*fsxd.Volume{v}, children...), nil
}
