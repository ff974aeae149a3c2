package fsxapi

import (
	"context"
	"fmt"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/store"
)

// fsPlan is a validated CreateFileSystem: the records to insert.
type fsPlan struct {
	fs   *fsxd.FileSystem
	root *fsxd.Volume // OpenZFS root volume
	out  *CreateFileSystemResponse
}

// CreateFileSystem creates an OPENZFS or ONTAP file system in CREATING;
// the reconciler makes it AVAILABLE. An OpenZFS file system gets its root
// volume ("fsx", VolumePath /fsx) at the same time.
func (s *Service) CreateFileSystem(ctx context.Context, in *CreateFileSystemRequest) (*CreateFileSystemResponse, error) {
	plan, err := s.planFileSystem(in)
	if err != nil {
		return nil, err
	}
	return once(ctx, s, fsxd.OpCreateFileSystem, in.ClientRequestToken, in, func(tx *store.Tx) (*CreateFileSystemResponse, string, error) {
		return plan.out, plan.fs.ID, plan.insert(tx)
	})
}

func (p *fsPlan) insert(tx *store.Tx) error {
	if err := fileSystems(tx).Insert(p.fs.ID, p.fs); err != nil {
		return err
	}
	if p.root != nil {
		return volumes(tx).Insert(p.root.ID, p.root)
	}
	return nil
}

func (s *Service) planFileSystem(in *CreateFileSystemRequest) (*fsPlan, error) {
	if in.WindowsConfiguration != nil || in.LustreConfiguration != nil {
		return nil, badRequest("fsxd serves OPENZFS and ONTAP file systems only.")
	}
	if len(in.SubnetIds) == 0 {
		return nil, awserr.InvalidNetworkSettings.Err("At least one subnet ID is required.")
	}
	id := s.newID(fsxd.FileSystemPrefix)
	now := s.now()
	fs := &FileSystem{
		OwnerId:             ptr(s.cfg.Account.ID),
		CreationTime:        ptr(awsTime(now)),
		FileSystemId:        ptr(id),
		FileSystemType:      in.FileSystemType,
		Lifecycle:           ptr(fsxd.Creating),
		StorageType:         ptr(or(in.StorageType, "SSD")),
		VpcId:               ptr("vpc-" + fakeHex("vpc/"+in.SubnetIds[0])),
		SubnetIds:           in.SubnetIds,
		NetworkInterfaceIds: enis(id, len(in.SubnetIds)),
		DNSName:             ptr(fmt.Sprintf("%s.fsx.%s.amazonaws.com", id, s.cfg.Account.Region)),
		KmsKeyId:            in.KmsKeyId,
		ResourceARN:         ptr(s.cfg.Account.FileSystemARN(id)),
		NetworkType:         ptr(or(in.NetworkType, "IPV4")),
	}
	rec := &fsxd.FileSystem{ID: id, Type: val(in.FileSystemType), Lifecycle: fsxd.Creating, CreationTime: now, Dir: s.fsDir(id), Tags: fromWireTags(in.Tags)}
	plan := &fsPlan{fs: rec}
	var err error
	switch rec.Type {
	case fsxd.TypeOpenZFS:
		err = s.planOpenZFS(in, fs, plan)
	case fsxd.TypeONTAP:
		err = s.planONTAP(in, fs, rec)
	default:
		err = badRequest("FileSystemType %s is not supported by fsxd; use OPENZFS or ONTAP.", rec.Type)
	}
	if err != nil {
		return nil, err
	}
	if rec.Wire, err = wire(fs); err != nil {
		return nil, err
	}
	out, err := renderFS(rec)
	plan.out = &CreateFileSystemResponse{FileSystem: out}
	return plan, err
}

// enis makes one network interface id per subnet.
func enis(seed string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "eni-" + fakeHex(fmt.Sprintf("eni/%s/%d", seed, i))
	}
	return out
}

// backupDefaults fills what AWS fills when backups are left unspecified.
func backupDefaults(days *int64, start *string) (*int64, *string) {
	d := or(days, 30)
	if d > 0 && start == nil {
		start = ptr("05:00")
	}
	return ptr(d), start
}

func iopsDefault(c *DiskIopsConfiguration, capacityGiB int64) *DiskIopsConfiguration {
	if c != nil && val(c.Mode) == "USER_PROVISIONED" {
		return c
	}
	return &DiskIopsConfiguration{Mode: ptr("AUTOMATIC"), Iops: ptr(3 * capacityGiB)}
}
