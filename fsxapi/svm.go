package fsxapi

import (
	"context"
	"fmt"
	"regexp"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/store"
)

// svmName is ONTAP's rule for SVM names: up to 47 letters, digits and
// underscores (the model only bounds the length).
var svmName = regexp.MustCompile(`^[A-Za-z0-9_]{1,47}$`)

func svmNotFound(id string) error {
	return awserr.StorageVirtualMachineNotFound.Err("Storage virtual machine '%s' does not exist.", id)
}

// CreateStorageVirtualMachine creates an SVM on an ONTAP file system, with
// its root volume ("<name>_root", junction "/"): CREATING, then CREATED.
func (s *Service) CreateStorageVirtualMachine(ctx context.Context, in *CreateStorageVirtualMachineRequest) (*CreateStorageVirtualMachineResponse, error) {
	if !svmName.MatchString(val(in.Name)) {
		return nil, badRequest("Name %q is not valid: use up to 47 letters, digits and underscores.", val(in.Name))
	}
	if _, ok := tagValue(in.Tags, ImportTag); ok {
		return nil, badRequest("Tag %s is not valid on storage virtual machines; put it on CreateVolume.", ImportTag)
	}
	return once(ctx, s, fsxd.OpCreateStorageVirtualMachine, in.ClientRequestToken, in, func(tx *store.Tx) (*CreateStorageVirtualMachineResponse, string, error) {
		return s.createSVM(tx, in)
	})
}

func (s *Service) createSVM(tx *store.Tx, in *CreateStorageVirtualMachineRequest) (*CreateStorageVirtualMachineResponse, string, error) {
	fsID := val(in.FileSystemId)
	fs, err := fileSystems(tx).Get(fsID)
	if err != nil {
		return nil, "", notFoundAs(err, fsNotFound(fsID))
	}
	if fs.Type != fsxd.TypeONTAP {
		return nil, "", badRequest("Storage virtual machines need an ONTAP file system; %s is %s.", fsID, fs.Type)
	}
	if fs.Lifecycle == fsxd.Deleting {
		return nil, "", badRequest("File system %s is being deleted.", fsID)
	}
	taken, err := svms(tx).Count(func(v *fsxd.SVM) bool { return v.FileSystemID == fsID && v.Name == val(in.Name) })
	if err != nil {
		return nil, "", err
	}
	if taken > 0 {
		return nil, "", badRequest("File system %s already has a storage virtual machine named %s.", fsID, val(in.Name))
	}
	rec, root, err := s.newSVM(in, fs)
	if err != nil {
		return nil, "", err
	}
	if err := svms(tx).Insert(rec.ID, rec); err != nil {
		return nil, "", err
	}
	if err := volumes(tx).Insert(root.ID, root); err != nil {
		return nil, "", err
	}
	shape, err := renderSVM(rec)
	return &CreateStorageVirtualMachineResponse{StorageVirtualMachine: shape}, rec.ID, err
}

// newSVM builds the SVM record and its root volume.
func (s *Service) newSVM(in *CreateStorageVirtualMachineRequest, fs *fsxd.FileSystem) (*fsxd.SVM, *fsxd.Volume, error) {
	id, now := s.newID(fsxd.SVMPrefix), s.now()
	style := or(in.RootVolumeSecurityStyle, "UNIX")
	rec := &fsxd.SVM{
		ID: id, FileSystemID: fs.ID, Name: val(in.Name), Lifecycle: fsxd.Creating, CreationTime: now,
		RootVolumeSecurityStyle: style, Dir: svmDir(fs.Dir, id), Tags: fromWireTags(in.Tags),
	}
	shape := &StorageVirtualMachine{
		ActiveDirectoryConfiguration: adAttributes(in.ActiveDirectoryConfiguration),
		CreationTime:                 ptr(awsTime(now)),
		Endpoints:                    s.svmEndpoints(fs.ID, id),
		FileSystemId:                 ptr(fs.ID),
		ResourceARN:                  ptr(s.cfg.Account.SVMARN(fs.ID, id)),
		StorageVirtualMachineId:      ptr(id),
		Subtype:                      ptr("DEFAULT"),
		UUID:                         ptr(s.newUUID()),
		RootVolumeSecurityStyle:      ptr(style),
	}
	var err error
	if rec.Wire, err = wire(shape); err != nil {
		return nil, nil, err
	}
	root, err := s.svmRootVolume(rec)
	return rec, root, err
}

// svmRootVolume is the SVM's root volume: the namespace root, junction "/".
func (s *Service) svmRootVolume(svm *fsxd.SVM) (*fsxd.Volume, error) {
	id := s.newID(fsxd.VolumePrefix)
	v := &fsxd.Volume{
		ID: id, FileSystemID: svm.FileSystemID, SVMID: svm.ID, Type: fsxd.TypeONTAP, Name: svm.Name + "_root",
		Lifecycle: fsxd.Creating, CreationTime: svm.CreationTime, Dir: svm.Dir, JunctionPath: "/",
		SecurityStyle: svm.RootVolumeSecurityStyle,
	}
	shape := &Volume{
		CreationTime: ptr(awsTime(svm.CreationTime)),
		FileSystemId: ptr(svm.FileSystemID),
		VolumeId:     ptr(id),
		VolumeType:   ptr(fsxd.TypeONTAP),
		ResourceARN:  ptr(s.cfg.Account.VolumeARN(svm.FileSystemID, id)),
		OntapConfiguration: s.ontapVolumeShape(svm.ID, &CreateOntapVolumeConfiguration{
			SizeInMegabytes: ptr(int64(1024)), StorageEfficiencyEnabled: ptr(false),
			TieringPolicy: &TieringPolicy{Name: ptr("NONE")},
		}, 1<<30),
	}
	shape.OntapConfiguration.StorageVirtualMachineRoot = ptr(true)
	var err error
	v.Wire, err = wire(shape)
	return v, err
}

// svmEndpoints names the SVM's endpoints as FSx does.
func (s *Service) svmEndpoints(fsID, id string) *SvmEndpoints {
	ep := func(kind string, n int) *SvmEndpoint {
		e := &SvmEndpoint{DNSName: ptr(fmt.Sprintf("%s.%s.%s.fsx.%s.amazonaws.com", kind, id, fsID, s.cfg.Account.Region))}
		for i := range n {
			e.IpAddresses = append(e.IpAddresses, fakeIP(id+"/"+kind, i))
		}
		return e
	}
	return &SvmEndpoints{Iscsi: ep("iscsi", 2), Management: ep("management", 1), Nfs: ep("nfs", 1), Smb: ep("smb", 1)}
}

// adAttributes echoes an Active Directory configuration without secrets.
func adAttributes(c *CreateSvmActiveDirectoryConfiguration) *SvmActiveDirectoryConfiguration {
	if c == nil {
		return nil
	}
	out := &SvmActiveDirectoryConfiguration{NetBiosName: c.NetBiosName}
	if m := c.SelfManagedActiveDirectoryConfiguration; m != nil {
		out.SelfManagedActiveDirectoryConfiguration = &SelfManagedActiveDirectoryAttributes{
			DomainName: m.DomainName, OrganizationalUnitDistinguishedName: m.OrganizationalUnitDistinguishedName,
			FileSystemAdministratorsGroup: m.FileSystemAdministratorsGroup, UserName: m.UserName,
			DnsIps: m.DnsIps, DomainJoinServiceAccountSecret: m.DomainJoinServiceAccountSecret,
		}
	}
	return out
}
