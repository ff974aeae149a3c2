package fsxapi

import (
	"errors"
	"path/filepath"
	"regexp"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/store"
)

// openZFSName is what an OpenZFS volume name may be: it becomes a path
// component (VolumePath /fsx/<name>), so the characters of the model's
// VolumePath pattern, never "." or "..".
var openZFSName = regexp.MustCompile(`^[A-Za-z0-9_.:-]{1,203}$`)

func checkOpenZFSName(name string) error {
	if !openZFSName.MatchString(name) || name == "." || name == ".." {
		return badRequest("Volume name %q is not valid for OpenZFS: use letters, digits, '_', '.', ':' and '-'.", name)
	}
	return nil
}

// newOpenZFSVolume checks an OPENZFS CreateVolume and builds the child
// volume below ParentVolumeId.
func (s *Service) newOpenZFSVolume(tx *store.Tx, in *CreateVolumeRequest) (*fsxd.Volume, error) {
	c := in.OpenZFSConfiguration
	name := val(in.Name)
	if err := checkOpenZFSName(name); err != nil {
		return nil, err
	}
	if err := checkRecordSize(c.RecordSizeKiB); err != nil {
		return nil, err
	}
	if err := checkQuota(c.StorageCapacityQuotaGiB, c.StorageCapacityReservationGiB); err != nil {
		return nil, err
	}
	parent, parentPath, err := openZFSParent(tx, val(c.ParentVolumeId))
	if err != nil {
		return nil, err
	}
	if err := freeName(tx, parent, name, ""); err != nil {
		return nil, err
	}
	rec, shape, err := s.newVolume(in, parent.FileSystemID, filepath.Join(parent.Dir, name))
	if err != nil {
		return nil, err
	}
	rec.ParentID, rec.ReadOnly, rec.QuotaGiB = parent.ID, or(c.ReadOnly, false), or(c.StorageCapacityQuotaGiB, -1)
	var origin *OpenZFSOriginSnapshotConfiguration
	if c.OriginSnapshot != nil {
		snap, err := s.originSnapshot(tx, c.OriginSnapshot, parent.FileSystemID)
		if err != nil {
			return nil, err
		}
		if rec.Imported {
			return nil, badRequest("A volume created from a snapshot cannot also import a directory (%s).", ImportTag)
		}
		rec.OriginSnapshotID = snap.ID
		origin = &OpenZFSOriginSnapshotConfiguration{SnapshotARN: c.OriginSnapshot.SnapshotARN, CopyStrategy: c.OriginSnapshot.CopyStrategy}
	}
	shape.OpenZFSConfiguration = &OpenZFSVolumeConfiguration{
		ParentVolumeId:                ptr(parent.ID),
		VolumePath:                    ptr(parentPath + "/" + name),
		StorageCapacityReservationGiB: c.StorageCapacityReservationGiB,
		StorageCapacityQuotaGiB:       c.StorageCapacityQuotaGiB,
		RecordSizeKiB:                 ptr(or(c.RecordSizeKiB, 128)),
		DataCompressionType:           ptr(or(c.DataCompressionType, "NONE")),
		CopyTagsToSnapshots:           ptr(or(c.CopyTagsToSnapshots, false)),
		NfsExports:                    nfsExportsOrDefault(c.NfsExports),
		UserAndGroupQuotas:            c.UserAndGroupQuotas,
		OriginSnapshot:                origin,
	}
	rec.Wire, err = wire(shape)
	return rec, err
}

// openZFSParent loads a parent volume, which must be a live OpenZFS volume
// on a live file system, and its VolumePath.
func openZFSParent(tx *store.Tx, id string) (*fsxd.Volume, string, error) {
	parent, err := volumes(tx).Get(id)
	if err != nil {
		return nil, "", notFoundAs(err, volNotFound(id))
	}
	if parent.Type != fsxd.TypeOpenZFS {
		return nil, "", badRequest("Parent volume %s is not an OpenZFS volume.", id)
	}
	if parent.Lifecycle == fsxd.Deleting {
		return nil, "", badRequest("Parent volume %s is being deleted.", id)
	}
	fs, err := fileSystems(tx).Get(parent.FileSystemID)
	if err != nil {
		return nil, "", notFoundAs(err, fsNotFound(parent.FileSystemID))
	}
	if fs.Lifecycle == fsxd.Deleting {
		return nil, "", badRequest("File system %s is being deleted.", fs.ID)
	}
	shape, err := unwire[Volume](parent.Wire)
	if err != nil || shape.OpenZFSConfiguration == nil {
		return nil, "", errors.Join(err, errors.New("parent volume without OpenZFS configuration"))
	}
	return parent, val(shape.OpenZFSConfiguration.VolumePath), nil
}

// freeName refuses a child name already used below parent, by a sibling
// volume (other than self) or by a file or directory in the parent's tree.
func freeName(tx *store.Tx, parent *fsxd.Volume, name, self string) error {
	n, err := volumes(tx).Count(func(v *fsxd.Volume) bool {
		return v.ParentID == parent.ID && v.Name == name && v.ID != self
	})
	if err != nil {
		return err
	}
	if n > 0 || pathTaken(filepath.Join(parent.Dir, name)) {
		return badRequest("The name %s is already used by a volume, file or directory in parent volume %s.", name, parent.ID)
	}
	return nil
}

// checkQuota: -1 means none; a reservation cannot exceed the quota.
func checkQuota(quota, reservation *int64) error {
	q, r := or(quota, -1), or(reservation, -1)
	if q >= 0 && r > q {
		return badRequest("StorageCapacityReservationGiB (%d) cannot exceed StorageCapacityQuotaGiB (%d).", r, q)
	}
	return nil
}
