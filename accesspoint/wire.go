package accesspoint

import (
	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/awsjson"
	"github.com/fsxd/fsxd/fsxapi"
)

// maxReason is the model's bound on LifecycleTransitionReason.Message.
const maxReason = 256

// toWire renders an attachment as FSx's S3AccessPointAttachment. The policy
// is never part of it (FSx treats it as write-only).
func (s *Service) toWire(a *fsxd.Attachment) fsxapi.S3AccessPointAttachment {
	w := fsxapi.S3AccessPointAttachment{
		Lifecycle:    ptr(a.Lifecycle),
		CreationTime: &awsjson.Time{Time: a.CreationTime},
		Name:         ptr(a.Name),
		Type:         ptr(a.Type),
		S3AccessPoint: &fsxapi.S3AccessPoint{
			ResourceARN: ptr(s.acc.AccessPointARN(a.Name)),
			Alias:       ptr(a.Alias),
		},
	}
	if a.Reason != "" {
		w.LifecycleTransitionReason = &fsxapi.LifecycleTransitionReason{Message: ptr(a.Reason)}
	}
	if a.VpcID != "" {
		w.S3AccessPoint.VpcConfiguration = &fsxapi.S3AccessPointVpcConfiguration{VpcId: ptr(a.VpcID)}
	}
	if a.Type == fsxd.TypeOpenZFS {
		w.OpenZFSConfiguration = &fsxapi.S3AccessPointOpenZFSConfiguration{
			VolumeId:           ptr(a.VolumeID),
			FileSystemIdentity: posixWire(a),
		}
	} else {
		w.OntapConfiguration = &fsxapi.S3AccessPointOntapConfiguration{
			VolumeId:           ptr(a.VolumeID),
			FileSystemIdentity: ontapWire(a),
		}
	}
	return w
}

func posixWire(a *fsxd.Attachment) *fsxapi.OpenZFSFileSystemIdentity {
	fi := &fsxapi.OpenZFSFileSystemIdentity{Type: ptr(a.IdentityType)}
	if p := a.Posix; p != nil {
		u := &fsxapi.OpenZFSPosixFileSystemUser{Uid: ptr(int64(p.UID)), Gid: ptr(int64(p.GID))}
		for _, g := range p.Groups {
			u.SecondaryGids = append(u.SecondaryGids, int64(g))
		}
		fi.PosixUser = u
	}
	return fi
}

func ontapWire(a *fsxd.Attachment) *fsxapi.OntapFileSystemIdentity {
	fi := &fsxapi.OntapFileSystemIdentity{Type: ptr(a.IdentityType)}
	if a.IdentityType == fsxd.IdentityUNIX {
		fi.UnixUser = &fsxapi.OntapUnixFileSystemUser{Name: ptr(a.UserName)}
	} else {
		fi.WindowsUser = &fsxapi.OntapWindowsFileSystemUser{Name: ptr(a.UserName)}
	}
	return fi
}

// reason bounds a transition message to what the model allows.
func reason(msg string) string {
	if len(msg) <= maxReason {
		return msg
	}
	cut := maxReason - 3
	for cut > 0 && msg[cut]&0xC0 == 0x80 { // don't split a UTF-8 sequence
		cut--
	}
	return msg[:cut] + "..."
}
