package fsxapi

import (
	"context"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/store"
)

// CreateFileSystemFromBackup makes a new OpenZFS file system whose root
// volume holds the backup's tree (the reconciler copies it in after
// checking the backup's checksum). Child volumes of the backed-up file
// system come back as plain directories of the root volume.
func (s *Service) CreateFileSystemFromBackup(ctx context.Context, in *CreateFileSystemFromBackupRequest) (*CreateFileSystemFromBackupResponse, error) {
	return once(ctx, s, fsxd.OpCreateFileSystemFromBackup, in.ClientRequestToken, in, func(tx *store.Tx) (*CreateFileSystemFromBackupResponse, string, error) {
		b, err := availableBackup(tx, val(in.BackupId))
		if err != nil {
			return nil, "", err
		}
		if b.FileSystemType != fsxd.TypeOpenZFS {
			return nil, "", badRequest("Backup %s is of an %s volume; use CreateVolumeFromBackup.", b.ID, b.FileSystemType)
		}
		src, err := unwire[FileSystem](b.FileSystem)
		if err != nil {
			return nil, "", err
		}
		capacity := in.StorageCapacity
		if capacity == nil {
			capacity = src.StorageCapacity
		}
		plan, err := s.planFileSystem(&CreateFileSystemRequest{
			FileSystemType: ptr(fsxd.TypeOpenZFS), StorageCapacity: capacity, StorageType: in.StorageType,
			SubnetIds: in.SubnetIds, SecurityGroupIds: in.SecurityGroupIds, Tags: in.Tags,
			OpenZFSConfiguration: in.OpenZFSConfiguration, WindowsConfiguration: in.WindowsConfiguration, LustreConfiguration: in.LustreConfiguration,
		})
		if err != nil {
			return nil, "", err
		}
		if plan.root.Imported {
			return nil, "", badRequest("A file system restored from a backup cannot also import a directory (%s).", ImportTag)
		}
		plan.root.OriginBackupID = b.ID
		return &CreateFileSystemFromBackupResponse{FileSystem: plan.out.FileSystem}, plan.fs.ID, plan.insert(tx)
	})
}

// CreateVolumeFromBackup makes a new ONTAP volume holding the backup's
// tree.
func (s *Service) CreateVolumeFromBackup(ctx context.Context, in *CreateVolumeFromBackupRequest) (*CreateVolumeFromBackupResponse, error) {
	return once(ctx, s, fsxd.OpCreateVolumeFromBackup, in.ClientRequestToken, in, func(tx *store.Tx) (*CreateVolumeFromBackupResponse, string, error) {
		b, err := availableBackup(tx, val(in.BackupId))
		if err != nil {
			return nil, "", err
		}
		if b.FileSystemType != fsxd.TypeONTAP {
			return nil, "", badRequest("Backup %s is of an OPENZFS file system; use CreateFileSystemFromBackup.", b.ID)
		}
		out, id, err := s.createVolume(tx, &CreateVolumeRequest{VolumeType: ptr(fsxd.TypeONTAP), Name: in.Name, OntapConfiguration: in.OntapConfiguration, Tags: in.Tags})
		if err != nil {
			return nil, "", err
		}
		v, err := volumes(tx).Get(id)
		if err != nil {
			return nil, "", err
		}
		if v.Imported {
			return nil, "", badRequest("A volume restored from a backup cannot also import a directory (%s).", ImportTag)
		}
		v.OriginBackupID = b.ID
		return &CreateVolumeFromBackupResponse{Volume: out.Volume}, id, volumes(tx).Put(id, v)
	})
}
