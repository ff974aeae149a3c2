package fsxapi

import (
	"context"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/idempotency"
	"github.com/fsxd/fsxd/store"
)

// UpdateVolume changes a volume's name and configuration. Renaming an
// OpenZFS volume or changing an ONTAP junction path moves its directory
// (and the volumes below it) on disk; the move is undone if the store
// update then fails.
func (s *Service) UpdateVolume(ctx context.Context, in *UpdateVolumeRequest) (*UpdateVolumeResponse, error) {
	var out *UpdateVolumeResponse
	var moved moves
	err := s.update(ctx, func(tx *store.Tx) error {
		// A retried transaction starts from the old layout, even one
		// that replays a token instead of moving again: hence not once.
		moved.undo(s)
		var err error
		out, err = idempotency.Once(tx, fsxd.OpUpdateVolume, in.ClientRequestToken, in, s.cfg.Mask, s.now(), func() (*UpdateVolumeResponse, string, error) {
			return s.updateVolume(tx, in, &moved)
		})
		return err
	})
	if err != nil {
		moved.undo(s)
	}
	return out, err
}

func (s *Service) updateVolume(tx *store.Tx, in *UpdateVolumeRequest, moved *moves) (*UpdateVolumeResponse, string, error) {
	id := val(in.VolumeId)
	v, err := volumes(tx).Get(id)
	if err != nil {
		return nil, "", notFoundAs(err, volNotFound(id))
	}
	if v.Lifecycle != fsxd.Available && v.Lifecycle != fsxd.Created {
		return nil, "", badRequest("Volume %s is %s; it can be updated once available.", id, v.Lifecycle)
	}
	if (in.OntapConfiguration != nil && v.Type != fsxd.TypeONTAP) || (in.OpenZFSConfiguration != nil && v.Type != fsxd.TypeOpenZFS) {
		return nil, "", badRequest("The configuration does not match the %s volume %s.", v.Type, id)
	}
	shape, err := unwire[Volume](v.Wire)
	if err != nil {
		return nil, "", err
	}
	if err := s.applyVolumeUpdate(tx, in, v, shape, moved); err != nil {
		return nil, "", err
	}
	if v.Wire, err = wire(shape); err != nil {
		return nil, "", err
	}
	if err := volumes(tx).Put(id, v); err != nil {
		return nil, "", err
	}
	out, err := renderVolume(v)
	return &UpdateVolumeResponse{Volume: out}, id, err
}

func (s *Service) applyVolumeUpdate(tx *store.Tx, in *UpdateVolumeRequest, v *fsxd.Volume, shape *Volume, moved *moves) error {
	if v.Type == fsxd.TypeOpenZFS {
		if c := in.OpenZFSConfiguration; c != nil {
			if err := applyOpenZFSUpdate(v, shape.OpenZFSConfiguration, c); err != nil {
				return err
			}
		}
		if in.Name != nil && *in.Name != v.Name {
			return s.renameOpenZFS(tx, v, shape.OpenZFSConfiguration, *in.Name, moved)
		}
		return nil
	}
	if in.Name != nil && *in.Name != v.Name {
		if err := renameOntap(tx, v, *in.Name); err != nil {
			return err
		}
	}
	if c := in.OntapConfiguration; c != nil {
		return s.applyOntapUpdate(tx, v, shape.OntapConfiguration, c, moved)
	}
	return nil
}

func applyOpenZFSUpdate(v *fsxd.Volume, cur *OpenZFSVolumeConfiguration, u *UpdateOpenZFSVolumeConfiguration) error {
	quota, reservation := u.StorageCapacityQuotaGiB, u.StorageCapacityReservationGiB
	if quota == nil {
		quota = cur.StorageCapacityQuotaGiB
	}
	if reservation == nil {
		reservation = cur.StorageCapacityReservationGiB
	}
	if err := checkQuota(quota, reservation); err != nil {
		return err
	}
	if err := checkRecordSize(u.RecordSizeKiB); err != nil {
		return err
	}
	cur.StorageCapacityQuotaGiB, cur.StorageCapacityReservationGiB = quota, reservation
	set(&cur.RecordSizeKiB, u.RecordSizeKiB)
	set(&cur.DataCompressionType, u.DataCompressionType)
	if u.NfsExports != nil {
		cur.NfsExports = u.NfsExports
	}
	if u.UserAndGroupQuotas != nil {
		cur.UserAndGroupQuotas = u.UserAndGroupQuotas
	}
	v.ReadOnly = or(u.ReadOnly, v.ReadOnly)
	v.QuotaGiB = or(quota, -1)
	return nil
}

func (s *Service) applyOntapUpdate(tx *store.Tx, v *fsxd.Volume, cur *OntapVolumeConfiguration, u *UpdateOntapVolumeConfiguration, moved *moves) error {
	if u.SnaplockConfiguration != nil {
		return awserr.UnsupportedOperation.Err("SnapLock volumes are not supported by fsxd.")
	}
	if u.SizeInMegabytes != nil || u.SizeInBytes != nil {
		size, err := ontapSize(u.SizeInMegabytes, u.SizeInBytes)
		if err != nil {
			return err
		}
		cur.SizeInMegabytes, cur.SizeInBytes = ptr(size/mib), ptr(size)
	}
	set(&cur.StorageEfficiencyEnabled, u.StorageEfficiencyEnabled)
	set(&cur.TieringPolicy, u.TieringPolicy)
	set(&cur.SnapshotPolicy, u.SnapshotPolicy)
	set(&cur.CopyTagsToBackups, u.CopyTagsToBackups)
	v.SecurityStyle = or(u.SecurityStyle, v.SecurityStyle)
	if u.JunctionPath != nil && *u.JunctionPath != v.JunctionPath {
		return s.rejunction(tx, v, *u.JunctionPath, moved)
	}
	return nil
}

func renameOntap(tx *store.Tx, v *fsxd.Volume, name string) error {
	if !ontapName.MatchString(name) {
		return badRequest("Volume name %q is not valid for ONTAP: start with a letter or '_', then letters, digits and '_'.", name)
	}
	n, err := volumes(tx).Count(func(o *fsxd.Volume) bool { return o.SVMID == v.SVMID && o.Name == name })
	if err != nil {
		return err
	}
	if n > 0 {
		return badRequest("Storage virtual machine %s already has a volume named %s.", v.SVMID, name)
	}
	v.Name = name
	return nil
}
