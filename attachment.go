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
	Name         string    `json:"Name"`
	Type         string    `json:"Type"` // OPENZFS | ONTAP
	Lifecycle    string    `json:"Lifecycle"`
	Reason       string    `json:"Reason"` // LifecycleTransitionReason.Message
	CreationTime time.Time `json:"CreationTime"`
	VolumeID     string    `json:"VolumeID"`
	FileSystemID string    `json:"FileSystemID"`
	Alias        string    `json:"Alias"`
	VpcID        string    `json:"VpcID"`
	Policy       string    `json:"Policy"` // access point policy (never echoed by FSx)
	PolicyTime   time.Time `json:"PolicyTime"`
	// PolicyIDs binds the user and role ARNs the policy names to their
	// unique ids when it was saved (policy.Request.Bound).
	PolicyIDs map[string]string `json:"PolicyIDs,omitempty"`

	// FileSystemIdentity as requested.
	IdentityType string         `json:"IdentityType"`       // POSIX | UNIX | WINDOWS
	Posix        *PosixIdentity `json:"Posix,omitempty"`    // OpenZFS
	UserName     string         `json:"UserName,omitempty"` // ONTAP UNIX or WINDOWS user name

	// Resolved is the POSIX identity every file operation runs as, filled
	// in when the attachment becomes AVAILABLE (for ONTAP, from the SVM's
	// name service).
	Resolved *PosixIdentity `json:"Resolved,omitempty"`
}

// Usable reports whether S3 requests may be served through the attachment.
func (a *Attachment) Usable() bool { return a.Lifecycle == Available }
