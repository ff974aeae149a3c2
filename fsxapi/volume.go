package fsxapi

import (
	"context"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/store"
)

func volNotFound(id string) error {
	return awserr.VolumeNotFound.Err("Volume '%s' does not exist.", id)
}

// CreateVolume creates an OpenZFS child volume or an ONTAP volume in
// CREATING; the reconciler creates its directory and makes it AVAILABLE
// (OpenZFS) or CREATED (ONTAP), as FSx reports them.
func (s *Service) CreateVolume(ctx context.Context, in *CreateVolumeRequest) (*CreateVolumeResponse, error) {
	return once(ctx, s, fsxd.OpCreateVolume, in.ClientRequestToken, in, func(tx *store.Tx) (*CreateVolumeResponse, string, error) {
		return s.createVolume(tx, in)
	})
}

func (s *Service) createVolume(tx *store.Tx, in *CreateVolumeRequest) (*CreateVolumeResponse, string, error) {
	var rec *fsxd.Volume
	var err error
	switch val(in.VolumeType) {
	case fsxd.TypeOpenZFS:
		if in.OntapConfiguration != nil {
			return nil, "", badRequest("OntapConfiguration is not valid for OPENZFS volumes.")
		}
		if in.OpenZFSConfiguration == nil {
			return nil, "", awserr.MissingVolumeConfiguration.Err("OpenZFSConfiguration is required for OPENZFS volumes.")
		}
		rec, err = s.newOpenZFSVolume(tx, in)
	default: // ONTAP; the enum allows nothing else
		if in.OpenZFSConfiguration != nil {
			return nil, "", badRequest("OpenZFSConfiguration is not valid for ONTAP volumes.")
		}
		if in.OntapConfiguration == nil {
			return nil, "", awserr.MissingVolumeConfiguration.Err("OntapConfiguration is required for ONTAP volumes.")
		}
		rec, err = s.newOntapVolume(tx, in)
	}
	if err != nil {
		return nil, "", err
	}
	if err := volumes(tx).Insert(rec.ID, rec); err != nil {
		return nil, "", err
	}
	shape, err := renderVolume(rec)
	return &CreateVolumeResponse{Volume: shape}, rec.ID, err
}

// newVolume fills what every new volume record and shape share. dir is
// where the volume would live; an fsxd:import-path tag replaces it.
func (s *Service) newVolume(in *CreateVolumeRequest, fsID, dir string) (*fsxd.Volume, *Volume, error) {
	imported, err := s.importDir(in.Tags)
	if err != nil {
		return nil, nil, err
	}
	id, now := s.newID(fsxd.VolumePrefix), s.now()
	rec := &fsxd.Volume{
		ID: id, FileSystemID: fsID, Type: val(in.VolumeType), Name: val(in.Name),
		Lifecycle: fsxd.Creating, CreationTime: now, Dir: dir, Tags: fromWireTags(in.Tags),
	}
	if imported != "" {
		rec.Dir, rec.Imported = imported, true
	}
	shape := &Volume{
		CreationTime: ptr(awsTime(now)),
		FileSystemId: ptr(fsID),
		VolumeId:     ptr(id),
		VolumeType:   in.VolumeType,
		ResourceARN:  ptr(s.cfg.Account.VolumeARN(fsID, id)),
	}
	return rec, shape, nil
}

// DescribeVolumes lists volumes by id or by filters (file-system-id,
// storage-virtual-machine-id), a page at a time.
func (s *Service) DescribeVolumes(ctx context.Context, in *DescribeVolumesRequest) (*DescribeVolumesResponse, error) {
	ids, filters := sortedUnique(in.VolumeIds), volumeFilters(in.Filters)
	recs, err := getOrList(ctx, s, volumes, ids, volNotFound)
	if err != nil {
		return nil, err
	}
	recs = keep(recs, func(v *fsxd.Volume) bool { return matches(filters, volumeField(v)) })
	pg, err := paginate(fsxd.OpDescribeVolumes, queryDigest(ids, filters), recs, func(v *fsxd.Volume) string { return v.ID }, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	vols, err := renderAll(pg.Items, renderVolume)
	if err != nil {
		return nil, err
	}
	return &DescribeVolumesResponse{Volumes: vols, NextToken: pg.Next}, nil
}

func volumeField(v *fsxd.Volume) func(string) string {
	return func(name string) string {
		if name == "storage-virtual-machine-id" {
			return v.SVMID
		}
		return v.FileSystemID
	}
}

// isRoot reports whether v is a root volume: an OpenZFS file system's
// (no parent) or an ONTAP SVM's (junction "/").
func isRoot(v *fsxd.Volume) bool {
	if v.Type == fsxd.TypeOpenZFS {
		return v.ParentID == ""
	}
	return v.JunctionPath == "/"
}

// descendants returns the OpenZFS volumes below v (children, their
// children...), from all volumes of v's file system.
func descendants(all []*fsxd.Volume, id string) []*fsxd.Volume {
	var out []*fsxd.Volume
	for _, v := range all {
		if v.ParentID == id {
			out = append(out, v)
			out = append(out, descendants(all, v.ID)...)
		}
	}
	return out
}

func fsVolumes(tx *store.Tx, fsID string) ([]*fsxd.Volume, error) {
	vols, _, err := volumes(tx).List("", 0, func(v *fsxd.Volume) bool { return v.FileSystemID == fsID })
	return vols, err
}
