package accesspoint

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/fsx/types"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/store"
)

// Fixture ids: prefix + 17 hex digits.
func fixtureID(prefix string, n int) string { return fmt.Sprintf("%s%017x", prefix, n) }

var (
	fsHA     = fixtureID(fsxd.FileSystemPrefix, 1)
	fsNonHA  = fixtureID(fsxd.FileSystemPrefix, 2)
	fsOntap  = fixtureID(fsxd.FileSystemPrefix, 3)
	svmID    = fixtureID(fsxd.SVMPrefix, 1)
	volOZ    = fixtureID(fsxd.VolumePrefix, 1)  // OpenZFS on an HA file system
	volOZ2   = fixtureID(fsxd.VolumePrefix, 2)  // OpenZFS child, same file system
	volNonHA = fixtureID(fsxd.VolumePrefix, 3)  // OpenZFS on SINGLE_AZ_1
	volUnix  = fixtureID(fsxd.VolumePrefix, 4)  // ONTAP, UNIX style
	volNTFS  = fixtureID(fsxd.VolumePrefix, 5)  // ONTAP, NTFS style
	volMixed = fixtureID(fsxd.VolumePrefix, 6)  // ONTAP, MIXED style
	volNoJP  = fixtureID(fsxd.VolumePrefix, 7)  // ONTAP without junction path
	volBusy  = fixtureID(fsxd.VolumePrefix, 8)  // OpenZFS, CREATING
	volNone  = fixtureID(fsxd.VolumePrefix, 99) // does not exist
	vpcKnown = "vpc-0123456789abcdef0"
)

// seed inserts the fixture file systems, SVM and volumes, and makes the
// volume directories.
func (e *env) seed() {
	e.t.Helper()
	fss := []fsxd.FileSystem{
		{ID: fsHA, Type: fsxd.TypeOpenZFS, Lifecycle: fsxd.Available, DeploymentType: "SINGLE_AZ_HA_2"},
		{ID: fsNonHA, Type: fsxd.TypeOpenZFS, Lifecycle: fsxd.Available, DeploymentType: "SINGLE_AZ_1"},
		{ID: fsOntap, Type: fsxd.TypeONTAP, Lifecycle: fsxd.Available, DeploymentType: "MULTI_AZ_1"},
	}
	vol := func(id, fs, typ, life, jp, style string) fsxd.Volume {
		v := fsxd.Volume{ID: id, FileSystemID: fs, Type: typ, Lifecycle: life, JunctionPath: jp, SecurityStyle: style}
		v.Dir = filepath.Join(e.dir, "fs", fs, id)
		if typ == fsxd.TypeONTAP {
			v.SVMID = svmID
		}
		return v
	}
	vols := []fsxd.Volume{
		vol(volOZ, fsHA, fsxd.TypeOpenZFS, fsxd.Available, "", ""),
		vol(volOZ2, fsHA, fsxd.TypeOpenZFS, fsxd.Available, "", ""),
		vol(volNonHA, fsNonHA, fsxd.TypeOpenZFS, fsxd.Available, "", ""),
		vol(volUnix, fsOntap, fsxd.TypeONTAP, fsxd.Created, "/unix", "UNIX"),
		vol(volNTFS, fsOntap, fsxd.TypeONTAP, fsxd.Created, "/ntfs", "NTFS"),
		vol(volMixed, fsOntap, fsxd.TypeONTAP, fsxd.Created, "/mixed", "MIXED"),
		vol(volNoJP, fsOntap, fsxd.TypeONTAP, fsxd.Created, "", "UNIX"),
		vol(volBusy, fsHA, fsxd.TypeOpenZFS, fsxd.Creating, "", ""),
	}
	err := e.st.Update(context.Background(), func(tx *store.Tx) error {
		for i := range fss {
			fss[i].Dir = filepath.Join(e.dir, "fs", fss[i].ID)
			if err := fileSystems(tx).Insert(fss[i].ID, &fss[i]); err != nil {
				return err
			}
		}
		svm := &fsxd.SVM{ID: svmID, FileSystemID: fsOntap, Lifecycle: fsxd.Created, RootVolumeSecurityStyle: "UNIX"}
		if err := svms(tx).Insert(svmID, svm); err != nil {
			return err
		}
		for i := range vols {
			if err := os.MkdirAll(vols[i].Dir, 0o755); err != nil {
				return err
			}
			if err := volumes(tx).Insert(vols[i].ID, &vols[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

// volDir is a fixture volume's directory.
func (e *env) volDir(fs, vol string) string { return filepath.Join(e.dir, "fs", fs, vol) }

// openZFS and ontap build create requests.
func openZFS(name, vol string, uid, gid int64, groups ...int64) *fsx.CreateAndAttachS3AccessPointInput {
	return &fsx.CreateAndAttachS3AccessPointInput{
		Name: aws.String(name), Type: types.S3AccessPointAttachmentTypeOpenzfs,
		OpenZFSConfiguration: &types.CreateAndAttachS3AccessPointOpenZFSConfiguration{
			VolumeId: aws.String(vol),
			FileSystemIdentity: &types.OpenZFSFileSystemIdentity{
				Type:      types.OpenZFSFileSystemUserTypePosix,
				PosixUser: &types.OpenZFSPosixFileSystemUser{Uid: aws.Int64(uid), Gid: aws.Int64(gid), SecondaryGids: groups},
			},
		},
	}
}

func ontap(name, vol, idType, user string) *fsx.CreateAndAttachS3AccessPointInput {
	fi := &types.OntapFileSystemIdentity{Type: types.OntapFileSystemUserType(idType)}
	if idType == fsxd.IdentityUNIX {
		fi.UnixUser = &types.OntapUnixFileSystemUser{Name: aws.String(user)}
	} else {
		fi.WindowsUser = &types.OntapWindowsFileSystemUser{Name: aws.String(user)}
	}
	return &fsx.CreateAndAttachS3AccessPointInput{
		Name: aws.String(name), Type: types.S3AccessPointAttachmentTypeOntap,
		OntapConfiguration: &types.CreateAndAttachS3AccessPointOntapConfiguration{VolumeId: aws.String(vol), FileSystemIdentity: fi},
	}
}
