package fsxapi

// What each operation's request names, for authorization (authorize.go).
// Every input the FSx mux serves implements Targeted, one line per
// operation below; a new operation without one fails
// TestEveryOperationHasATarget and is refused by Authorize.

// Target is what a request names: the resource it acts on, as far as the
// request says (the most specific wins; a volume's or SVM's file system
// comes from the store), and the tags it carries.
type Target struct {
	ResourceARN  string
	FileSystemID string
	VolumeID     string
	SVMID        string
	SnapshotID   string // UpdateSnapshot, DeleteSnapshot
	BackupID     string // DeleteBackup, CopyBackup, Create*FromBackup
	// AccessPoint is the access point an attachment operation creates or
	// deletes; Policy says the request carries an access point policy.
	AccessPoint string
	Policy      bool
	// Tags and TagKeys become aws:RequestTag/<key> and aws:TagKeys.
	Tags    []Tag
	TagKeys []string
}

// Targeted is a request that says what it names.
type Targeted interface{ Target() Target }

func (r *CreateFileSystemRequest) Target() Target    { return Target{Tags: r.Tags} }
func (r *DescribeFileSystemsRequest) Target() Target { return Target{} }
func (r *DeleteFileSystemRequest) Target() Target    { return Target{FileSystemID: val(r.FileSystemId)} }
func (r *UpdateFileSystemRequest) Target() Target    { return Target{FileSystemID: val(r.FileSystemId)} }

func (r *CreateStorageVirtualMachineRequest) Target() Target {
	return Target{FileSystemID: val(r.FileSystemId), Tags: r.Tags}
}
func (r *DescribeStorageVirtualMachinesRequest) Target() Target { return Target{} }
func (r *DeleteStorageVirtualMachineRequest) Target() Target {
	return Target{SVMID: val(r.StorageVirtualMachineId)}
}
func (r *UpdateStorageVirtualMachineRequest) Target() Target {
	return Target{SVMID: val(r.StorageVirtualMachineId)}
}

// Target of CreateVolume is where the volume goes: its OpenZFS parent
// volume, else its ONTAP SVM.
func (r *CreateVolumeRequest) Target() Target {
	t := Target{Tags: r.Tags}
	if c := r.OpenZFSConfiguration; c != nil {
		t.VolumeID = val(c.ParentVolumeId)
	}
	if c := r.OntapConfiguration; c != nil {
		t.SVMID = val(c.StorageVirtualMachineId)
	}
	return t
}
func (r *DescribeVolumesRequest) Target() Target { return Target{} }
func (r *DeleteVolumeRequest) Target() Target    { return Target{VolumeID: val(r.VolumeId)} }
func (r *UpdateVolumeRequest) Target() Target    { return Target{VolumeID: val(r.VolumeId)} }

func (r *TagResourceRequest) Target() Target {
	return Target{ResourceARN: val(r.ResourceARN), Tags: r.Tags}
}
func (r *UntagResourceRequest) Target() Target {
	return Target{ResourceARN: val(r.ResourceARN), TagKeys: r.TagKeys}
}
func (r *ListTagsForResourceRequest) Target() Target { return Target{ResourceARN: val(r.ResourceARN)} }

// Target of CreateAndAttachS3AccessPoint: the fsx: action acts on the
// volume, the s3: ones on the access point.
func (r *CreateAndAttachS3AccessPointRequest) Target() Target {
	t := Target{AccessPoint: val(r.Name), Policy: r.S3AccessPoint != nil && r.S3AccessPoint.Policy != nil}
	if c := r.OpenZFSConfiguration; c != nil {
		t.VolumeID = val(c.VolumeId)
	}
	if c := r.OntapConfiguration; c != nil && t.VolumeID == "" {
		t.VolumeID = val(c.VolumeId)
	}
	return t
}
func (r *DescribeS3AccessPointAttachmentsRequest) Target() Target { return Target{} }
func (r *DetachAndDeleteS3AccessPointRequest) Target() Target {
	return Target{AccessPoint: val(r.Name)}
}

// Snapshots act on the volume they belong to when the request names it,
// else on the snapshot (its ARN needs its volume, from the store).
func (r *CreateSnapshotRequest) Target() Target {
	return Target{VolumeID: val(r.VolumeId), Tags: r.Tags}
}
func (r *DescribeSnapshotsRequest) Target() Target { return Target{} }
func (r *UpdateSnapshotRequest) Target() Target    { return Target{SnapshotID: val(r.SnapshotId)} }
func (r *DeleteSnapshotRequest) Target() Target    { return Target{SnapshotID: val(r.SnapshotId)} }
func (r *RestoreVolumeFromSnapshotRequest) Target() Target {
	return Target{VolumeID: val(r.VolumeId)}
}
func (r *CopySnapshotAndUpdateVolumeRequest) Target() Target {
	return Target{VolumeID: val(r.VolumeId)}
}

// Backups: CreateBackup acts on what it backs up; the others on the
// backup they name.
func (r *CreateBackupRequest) Target() Target {
	return Target{FileSystemID: val(r.FileSystemId), VolumeID: val(r.VolumeId), Tags: r.Tags}
}
func (r *DescribeBackupsRequest) Target() Target { return Target{} }
func (r *DeleteBackupRequest) Target() Target    { return Target{BackupID: val(r.BackupId)} }
func (r *CopyBackupRequest) Target() Target {
	return Target{BackupID: val(r.SourceBackupId), Tags: r.Tags}
}
func (r *CreateFileSystemFromBackupRequest) Target() Target {
	return Target{BackupID: val(r.BackupId), Tags: r.Tags}
}
func (r *CreateVolumeFromBackupRequest) Target() Target {
	return Target{BackupID: val(r.BackupId), Tags: r.Tags}
}
