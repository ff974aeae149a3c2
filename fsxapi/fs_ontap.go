package fsxapi

import (
	"fmt"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/awserr"
)

// planONTAP checks an ONTAP CreateFileSystem and fills the ONTAP parts of
// the response.
func (s *Service) planONTAP(in *CreateFileSystemRequest, fs *FileSystem, rec *fsxd.FileSystem) error {
	c := in.OntapConfiguration
	if c == nil {
		return awserr.MissingFileSystemConfiguration.Err("OntapConfiguration is required for ONTAP file systems.")
	}
	if in.OpenZFSConfiguration != nil {
		return badRequest("OpenZFSConfiguration is not valid for ONTAP file systems.")
	}
	if _, ok := tagValue(in.Tags, ImportTag); ok {
		return badRequest("Tag %s is not valid on ONTAP file systems; put it on CreateVolume.", ImportTag)
	}
	deployment := val(c.DeploymentType)
	haPairs, err := ontapHAPairs(deployment, c.HAPairs)
	if err != nil {
		return err
	}
	perPair, err := ontapThroughput(deployment, haPairs, c.ThroughputCapacity, c.ThroughputCapacityPerHAPair)
	if err != nil {
		return err
	}
	if st := val(fs.StorageType); st != "SSD" {
		return badRequest("StorageType %s is not supported for ONTAP file systems.", st)
	}
	if in.StorageCapacity == nil {
		return badRequest("StorageCapacity is required for ONTAP file systems.")
	}
	if err := checkCapacity(fmt.Sprintf("ONTAP with %d HA pair(s)", haPairs), *in.StorageCapacity, ontapMinGiBPerPair*haPairs, ontapMaxGiBPerPair*haPairs); err != nil {
		return err
	}
	if err := checkSubnets(deployment, in.SubnetIds, c.PreferredSubnetId); err != nil {
		return err
	}
	fs.StorageCapacity = in.StorageCapacity
	fs.OntapConfiguration = s.ontapConfig(val(fs.FileSystemId), c, haPairs, perPair, *in.StorageCapacity)
	rec.DeploymentType = deployment
	return nil
}

func (s *Service) ontapConfig(id string, c *CreateFileSystemOntapConfiguration, haPairs, perPair, capacity int64) *OntapFileSystemConfiguration {
	out := &OntapFileSystemConfiguration{
		DeploymentType:              c.DeploymentType,
		Endpoints:                   s.ontapEndpoints(id),
		DiskIopsConfiguration:       iopsDefault(c.DiskIopsConfiguration, capacity),
		ThroughputCapacity:          ptr(perPair * haPairs),
		ThroughputCapacityPerHAPair: ptr(perPair),
		HAPairs:                     ptr(haPairs),
		WeeklyMaintenanceStartTime:  ptr(or(c.WeeklyMaintenanceStartTime, "1:05:00")),
	}
	out.AutomaticBackupRetentionDays, out.DailyAutomaticBackupStartTime = backupDefaults(c.AutomaticBackupRetentionDays, c.DailyAutomaticBackupStartTime)
	if multiAZ(val(c.DeploymentType)) {
		out.PreferredSubnetId = c.PreferredSubnetId
		out.EndpointIpAddressRange = ptr(or(c.EndpointIpAddressRange, "198.19.255.0/24"))
		out.RouteTableIds = c.RouteTableIds
		if len(out.RouteTableIds) == 0 {
			out.RouteTableIds = []string{"rtb-" + fakeHex("rtb/"+id)}
		}
	}
	return out
}

// ontapEndpoints are the file system's management and intercluster
// endpoints, named as FSx names them.
func (s *Service) ontapEndpoints(id string) *FileSystemEndpoints {
	dns := func(kind string) *string {
		return ptr(fmt.Sprintf("%s.%s.fsx.%s.amazonaws.com", kind, id, s.cfg.Account.Region))
	}
	return &FileSystemEndpoints{
		Intercluster: &FileSystemEndpoint{DNSName: dns("intercluster"), IpAddresses: []string{fakeIP(id, 1), fakeIP(id, 2)}},
		Management:   &FileSystemEndpoint{DNSName: dns("management"), IpAddresses: []string{fakeIP(id, 3)}},
	}
}
