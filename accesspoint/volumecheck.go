package accesspoint

import (
	"errors"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/store"
)

// nonHA are the OpenZFS deployment types without a standby file server;
// AWS attaches access points only to HA file systems (docs/decisions.md, "Volumes that can host an access point").
var nonHA = map[string]bool{"SINGLE_AZ_1": true, "SINGLE_AZ_2": true}

// checkVolume decides whether a's volume may take an access point and
// returns the volume. The errors, in the order they are checked:
//
//   - unknown volume (or its file system gone): VolumeNotFound;
//   - volume of the other type than Type: BadRequest;
//   - OpenZFS on SINGLE_AZ_1/SINGLE_AZ_2: UnsupportedOperation;
//   - volume not AVAILABLE (OpenZFS) or CREATED (ONTAP), or its SVM not
//     CREATED: BadRequest;
//   - ONTAP volume without a junction path (not mounted in the SVM's
//     namespace, so S3 has nowhere to reach it): BadRequest;
//   - identity not matching the security style: UNIX users need a UNIX
//     or MIXED volume, Windows users an NTFS or MIXED one (MIXED takes
//     both: its files may carry either kind of permissions): BadRequest.
func checkVolume(tx *store.Tx, a *fsxd.Attachment) (*fsxd.Volume, error) {
	vol, err := volumes(tx).Get(a.VolumeID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, awserr.VolumeNotFound.Err("Volume '%s' does not exist.", a.VolumeID)
	}
	if err != nil {
		return nil, err
	}
	fs, err := fileSystems(tx).Get(vol.FileSystemID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, awserr.VolumeNotFound.Err("Volume '%s' does not exist.", a.VolumeID)
	}
	if err != nil {
		return nil, err
	}
	if vol.Type != a.Type {
		return nil, awserr.BadRequest.Err("Volume %s is an %s volume, but Type is %s.", vol.ID, vol.Type, a.Type)
	}
	if a.Type == fsxd.TypeOpenZFS && nonHA[fs.DeploymentType] {
		return nil, awserr.UnsupportedOperation.Err("S3 access points can only be attached to volumes of high-availability file systems; file system %s is %s.", fs.ID, fs.DeploymentType)
	}
	if vol.Lifecycle != fsxd.Available && vol.Lifecycle != fsxd.Created {
		return nil, awserr.BadRequest.Err("Volume %s is %s; it must be available to attach an S3 access point.", vol.ID, vol.Lifecycle)
	}
	if a.Type == fsxd.TypeONTAP {
		if err := checkONTAP(tx, a, vol); err != nil {
			return nil, err
		}
	}
	return vol, nil
}

func checkONTAP(tx *store.Tx, a *fsxd.Attachment, vol *fsxd.Volume) error {
	svm, err := svms(tx).Get(vol.SVMID)
	if errors.Is(err, store.ErrNotFound) {
		return awserr.BadRequest.Err("The storage virtual machine %s of volume %s does not exist.", vol.SVMID, vol.ID)
	}
	if err != nil {
		return err
	}
	if svm.Lifecycle != fsxd.Created {
		return awserr.BadRequest.Err("The storage virtual machine %s is %s; it must be CREATED.", svm.ID, svm.Lifecycle)
	}
	if vol.JunctionPath == "" {
		return awserr.BadRequest.Err("Volume %s has no junction path; mount it in the SVM namespace before attaching an S3 access point.", vol.ID)
	}
	style := securityStyle(vol, svm)
	switch {
	case a.IdentityType == fsxd.IdentityUNIX && style == "NTFS":
		return awserr.BadRequest.Err("Volume %s has the NTFS security style; use a WINDOWS file system identity.", vol.ID)
	case a.IdentityType == fsxd.IdentityWINDOWS && style == "UNIX":
		return awserr.BadRequest.Err("Volume %s has the UNIX security style; use a UNIX file system identity.", vol.ID)
	}
	return nil
}

// securityStyle is the volume's, else its SVM root's (ONTAP's default for
// new volumes), else UNIX.
func securityStyle(vol *fsxd.Volume, svm *fsxd.SVM) string {
	switch {
	case vol.SecurityStyle != "":
		return vol.SecurityStyle
	case svm.RootVolumeSecurityStyle != "":
		return svm.RootVolumeSecurityStyle
	}
	return "UNIX"
}
