package fsxd

// FSx operations fsxd serves, by the name X-Amz-Target gives them (after
// the "AWSSimbaAPIService_v20180301." prefix). The same name is the IAM
// action's ("fsx:" + name) and the one idempotency records and page tokens
// are bound to, so it is spelt once, here.
const (
	OpCreateFileSystem                 = "CreateFileSystem"
	OpDescribeFileSystems              = "DescribeFileSystems"
	OpDeleteFileSystem                 = "DeleteFileSystem"
	OpUpdateFileSystem                 = "UpdateFileSystem"
	OpCreateStorageVirtualMachine      = "CreateStorageVirtualMachine"
	OpDescribeStorageVirtualMachines   = "DescribeStorageVirtualMachines"
	OpDeleteStorageVirtualMachine      = "DeleteStorageVirtualMachine"
	OpUpdateStorageVirtualMachine      = "UpdateStorageVirtualMachine"
	OpCreateVolume                     = "CreateVolume"
	OpDescribeVolumes                  = "DescribeVolumes"
	OpDeleteVolume                     = "DeleteVolume"
	OpUpdateVolume                     = "UpdateVolume"
	OpTagResource                      = "TagResource"
	OpUntagResource                    = "UntagResource"
	OpListTagsForResource              = "ListTagsForResource"
	OpCreateAndAttachS3AccessPoint     = "CreateAndAttachS3AccessPoint"
	OpDescribeS3AccessPointAttachments = "DescribeS3AccessPointAttachments"
	OpDetachAndDeleteS3AccessPoint     = "DetachAndDeleteS3AccessPoint"
	OpCreateSnapshot                   = "CreateSnapshot"
	OpDescribeSnapshots                = "DescribeSnapshots"
	OpUpdateSnapshot                   = "UpdateSnapshot"
	OpDeleteSnapshot                   = "DeleteSnapshot"
	OpRestoreVolumeFromSnapshot        = "RestoreVolumeFromSnapshot"
	OpCopySnapshotAndUpdateVolume      = "CopySnapshotAndUpdateVolume"
	OpCreateBackup                     = "CreateBackup"
	OpDescribeBackups                  = "DescribeBackups"
	OpDeleteBackup                     = "DeleteBackup"
	OpCopyBackup                       = "CopyBackup"
	OpCreateFileSystemFromBackup       = "CreateFileSystemFromBackup"
	OpCreateVolumeFromBackup           = "CreateVolumeFromBackup"
)
