package accesspoint

import (
	"strings"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/fsxapi"
)

// Checks of a CreateAndAttachS3AccessPoint request that need no store.
// The generated Validate has already checked lengths, patterns and enums;
// what is left are the rules the model cannot say. Every violation is
// BadRequest: the reference leaves the exact error UNCONFIRMED and
// BadRequest is FSx's error for invalid parameters (IncompatibleParameterError
// is kept for idempotency-token reuse, the one case its doc names).

// reservedSuffixes end access point alias names (S3 naming rules).
var reservedSuffixes = []string{"-ext-s3alias", "-s3alias"}

// draft parses the request into the attachment it would create (without
// the fields the store decides: FileSystemID, Alias, CreationTime).
func draft(in *fsxapi.CreateAndAttachS3AccessPointRequest) (*fsxd.Attachment, error) {
	name, typ := deref(in.Name), deref(in.Type)
	for _, suf := range reservedSuffixes {
		if strings.HasSuffix(name, suf) {
			return nil, awserr.BadRequest.Err("The access point name %s must not end with %s: the suffix is reserved for access point aliases.", name, suf)
		}
	}
	a := &fsxd.Attachment{Name: name, Type: typ}
	var err error
	switch {
	case in.OpenZFSConfiguration != nil && in.OntapConfiguration != nil:
		err = awserr.BadRequest.Err("Specify only one of OpenZFSConfiguration and OntapConfiguration.")
	case typ == fsxd.TypeOpenZFS && in.OpenZFSConfiguration == nil:
		err = awserr.BadRequest.Err("OpenZFSConfiguration is required when Type is OPENZFS.")
	case typ == fsxd.TypeONTAP && in.OntapConfiguration == nil:
		err = awserr.BadRequest.Err("OntapConfiguration is required when Type is ONTAP.")
	case typ == fsxd.TypeOpenZFS:
		err = openZFSIdentity(a, in.OpenZFSConfiguration)
	default:
		err = ontapIdentity(a, in.OntapConfiguration)
	}
	if err != nil {
		return nil, err
	}
	if c := in.S3AccessPoint; c != nil {
		if c.VpcConfiguration != nil {
			a.VpcID = deref(c.VpcConfiguration.VpcId)
		}
		a.Policy = deref(c.Policy)
	}
	return a, nil
}

func openZFSIdentity(a *fsxd.Attachment, c *fsxapi.CreateAndAttachS3AccessPointOpenZFSConfiguration) error {
	a.VolumeID = deref(c.VolumeId)
	a.IdentityType = deref(c.FileSystemIdentity.Type)
	u := c.FileSystemIdentity.PosixUser
	if u == nil {
		return awserr.BadRequest.Err("PosixUser is required when the file system identity type is POSIX.")
	}
	id := &fsxd.PosixIdentity{UID: uint32(*u.Uid), GID: uint32(*u.Gid)}
	for _, g := range u.SecondaryGids {
		id.Groups = append(id.Groups, uint32(g))
	}
	a.Posix = id
	return nil
}

func ontapIdentity(a *fsxd.Attachment, c *fsxapi.CreateAndAttachS3AccessPointOntapConfiguration) error {
	a.VolumeID = deref(c.VolumeId)
	fi := c.FileSystemIdentity
	a.IdentityType = deref(fi.Type)
	switch {
	case a.IdentityType == fsxd.IdentityUNIX && fi.UnixUser == nil:
		return awserr.BadRequest.Err("UnixUser is required when the file system identity type is UNIX.")
	case a.IdentityType == fsxd.IdentityWINDOWS && fi.WindowsUser == nil:
		return awserr.BadRequest.Err("WindowsUser is required when the file system identity type is WINDOWS.")
	case fi.UnixUser != nil && fi.WindowsUser != nil:
		return awserr.BadRequest.Err("Specify only one of UnixUser and WindowsUser.")
	case a.IdentityType == fsxd.IdentityUNIX:
		a.UserName = deref(fi.UnixUser.Name)
	default:
		a.UserName = deref(fi.WindowsUser.Name)
	}
	return nil
}

func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

func ptr[T any](v T) *T { return &v }
