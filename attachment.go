package fsxd

import "time"

// Identity types of an attachment's file-system identity.
const (
	IdentityPOSIX   = "POSIX"
	IdentityUNIX    = "UNIX"
	IdentityWINDOWS = "WINDOWS"
)

// Attachment is an S3 access point attached to a volume. Its Name is also
// the access point's name; it is the store key.
type Attachment struct {
	Name         string
	Type         string // OPENZFS | ONTAP
	Lifecycle    string
	Reason       string // LifecycleTransitionReason.Message
	CreationTime time.Time
	VolumeID     string
	FileSystemID string
	Alias        string
	VpcID        string
	Policy       string // access point policy (never echoed by FSx)
	PolicyTime   time.Time

	// FileSystemIdentity as requested.
	IdentityType string         // POSIX | UNIX | WINDOWS
	Posix        *PosixIdentity `json:",omitempty"` // OpenZFS
	UserName     string         `json:",omitempty"` // ONTAP UNIX or WINDOWS user name

	// Resolved is the POSIX identity every file operation runs as, filled
	// in when the attachment becomes AVAILABLE (for ONTAP, from the SVM's
	// name service).
	Resolved *PosixIdentity `json:",omitempty"`
}

// Usable reports whether S3 requests may be served through the attachment.
func (a *Attachment) Usable() bool { return a.Lifecycle == Available }
