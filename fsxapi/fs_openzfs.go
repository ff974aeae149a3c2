package fsxapi

import (
	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/awserr"
)

// planOpenZFS checks an OPENZFS CreateFileSystem and fills the OpenZFS
// parts of the response and the plan (root volume).
func (s *Service) planOpenZFS(in *CreateFileSystemRequest, fs *FileSystem, plan *fsPlan) error {
	c := in.OpenZFSConfiguration
	if c == nil {
		return awserr.MissingFileSystemConfiguration.Err("OpenZFSConfiguration is required for OPENZFS file systems.")
	}
	if in.OntapConfiguration != nil {
		return badRequest("OntapConfiguration is not valid for OPENZFS file systems.")
	}
	deployment := val(c.DeploymentType)
	if err := checkOpenZFSThroughput(deployment, val(c.ThroughputCapacity)); err != nil {
		return err
	}
	if err := checkOpenZFSStorage(deployment, val(fs.StorageType), in.StorageCapacity); err != nil {
		return err
	}
	if err := checkSubnets(deployment, in.SubnetIds, c.PreferredSubnetId); err != nil {
		return err
	}
	rootCfg := or(c.RootVolumeConfiguration, OpenZFSCreateRootVolumeConfiguration{})
	if err := checkRecordSize(rootCfg.RecordSizeKiB); err != nil {
		return err
	}
	fs.StorageCapacity = in.StorageCapacity
	id := val(fs.FileSystemId)
	rootID := s.newID(fsxd.VolumePrefix)
	out := &OpenZFSFileSystemConfiguration{
		CopyTagsToBackups:          ptr(or(c.CopyTagsToBackups, false)),
		CopyTagsToVolumes:          ptr(or(c.CopyTagsToVolumes, false)),
		DeploymentType:             c.DeploymentType,
		ThroughputCapacity:         c.ThroughputCapacity,
		WeeklyMaintenanceStartTime: ptr(or(c.WeeklyMaintenanceStartTime, "1:05:00")),
		DiskIopsConfiguration:      iopsDefault(c.DiskIopsConfiguration, val(in.StorageCapacity)),
		RootVolumeId:               ptr(rootID),
		ReadCacheConfiguration:     c.ReadCacheConfiguration,
		EndpointIpAddress:          ptr(fakeIP(id, 0)),
	}
	out.AutomaticBackupRetentionDays, out.DailyAutomaticBackupStartTime = backupDefaults(c.AutomaticBackupRetentionDays, c.DailyAutomaticBackupStartTime)
	if multiAZ(deployment) {
		out.PreferredSubnetId = c.PreferredSubnetId
		out.EndpointIpAddressRange = ptr(or(c.EndpointIpAddressRange, "198.19.255.0/24"))
		out.RouteTableIds = c.RouteTableIds
		if len(out.RouteTableIds) == 0 {
			out.RouteTableIds = []string{"rtb-" + fakeHex("rtb/"+id)}
		}
	}
	fs.OpenZFSConfiguration = out
	root, err := s.openZFSRoot(in, rootID, plan.fs, &rootCfg)
	plan.fs.DeploymentType = deployment
	plan.fs.RootVolumeID = rootID
	plan.root = root
	return err
}

// checkOpenZFSStorage: SSD needs a capacity of 64 GiB..512 TiB;
// Intelligent-Tiering (Multi-AZ only) is elastic and takes none; HDD does
// not exist for OpenZFS.
func checkOpenZFSStorage(deployment, storageType string, capacity *int64) error {
	switch storageType {
	case "SSD":
		if capacity == nil {
			return badRequest("StorageCapacity is required for OpenZFS file systems with SSD storage.")
		}
		return checkCapacity("OpenZFS", *capacity, openZFSMinGiB, openZFSMaxGiB)
	case "INTELLIGENT_TIERING":
		if !multiAZ(deployment) {
			return badRequest("StorageType INTELLIGENT_TIERING requires deployment type MULTI_AZ_1.")
		}
		if capacity != nil {
			return badRequest("StorageCapacity is not valid with StorageType INTELLIGENT_TIERING.")
		}
		return nil
	}
	return badRequest("StorageType %s is not supported for OpenZFS file systems.", storageType)
}

// openZFSRoot builds the root volume record: /fsx in the file system's
// directory, or an imported tree.
func (s *Service) openZFSRoot(in *CreateFileSystemRequest, rootID string, fs *fsxd.FileSystem, c *OpenZFSCreateRootVolumeConfiguration) (*fsxd.Volume, error) {
	dir, err := s.importDir(in.Tags)
	if err != nil {
		return nil, err
	}
	v := &fsxd.Volume{
		ID: rootID, FileSystemID: fs.ID, Type: fsxd.TypeOpenZFS, Name: "fsx",
		Lifecycle: fsxd.Creating, CreationTime: fs.CreationTime,
		Dir: dir, Imported: dir != "", ReadOnly: or(c.ReadOnly, false), QuotaGiB: -1,
	}
	if dir == "" {
		v.Dir = openZFSRootDir(fs.Dir)
	}
	if or(in.OpenZFSConfiguration.CopyTagsToVolumes, false) {
		v.Tags = append([]fsxd.Tag(nil), fs.Tags...)
	}
	shape := &Volume{
		CreationTime: ptr(awsTime(fs.CreationTime)),
		FileSystemId: ptr(fs.ID),
		VolumeId:     ptr(rootID),
		VolumeType:   ptr(fsxd.TypeOpenZFS),
		ResourceARN:  ptr(s.cfg.Account.VolumeARN(fs.ID, rootID)),
		OpenZFSConfiguration: &OpenZFSVolumeConfiguration{
			VolumePath:          ptr("/fsx"),
			RecordSizeKiB:       ptr(or(c.RecordSizeKiB, 128)),
			DataCompressionType: ptr(or(c.DataCompressionType, "NONE")),
			CopyTagsToSnapshots: ptr(or(c.CopyTagsToSnapshots, false)),
			NfsExports:          nfsExportsOrDefault(c.NfsExports),
			UserAndGroupQuotas:  c.UserAndGroupQuotas,
		},
	}
	v.Wire, err = wire(shape)
	return v, err
}

// nfsExportsOrDefault is what a new OpenZFS volume exports when the request
// says nothing: everyone, read-write, crossing into child volumes.
func nfsExportsOrDefault(e []OpenZFSNfsExport) []OpenZFSNfsExport {
	if e != nil {
		return e
	}
	return []OpenZFSNfsExport{{ClientConfigurations: []OpenZFSClientConfiguration{{
		Clients: ptr("*"), Options: []string{"rw", "crossmnt"},
	}}}}
}
