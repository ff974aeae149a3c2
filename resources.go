package fsxd

import (
	"encoding/json"
	"time"
)

// File system and volume types.
const (
	TypeOpenZFS = "OPENZFS"
	TypeONTAP   = "ONTAP"
)

// Lifecycle states used across resources (each resource uses a subset).
const (
	Available     = "AVAILABLE"
	Creating      = "CREATING"
	Created       = "CREATED"
	Deleting      = "DELETING"
	Failed        = "FAILED"
	Misconfigured = "MISCONFIGURED"
	Updating      = "UPDATING"
	Pending       = "PENDING"
)

// Store kinds: the table names of the records below.
const (
	KindFileSystem = "file-system"
	KindSVM        = "svm"
	KindVolume     = "volume"
	KindAttachment = "attachment"
	KindAlias      = "alias" // alias -> attachment name
	KindToken      = "token" // idempotency tokens
)

// FileSystem is a stored file system. Wire holds the FSx API's FileSystem
// shape as fsxapi renders it (fsxapi owns its contents); the other fields
// are what the rest of fsxd needs to know.
type FileSystem struct {
	ID             string
	Type           string // OPENZFS | ONTAP
	Lifecycle      string
	CreationTime   time.Time
	DeploymentType string
	Dir            string // absolute directory holding the file system's data
	RootVolumeID   string // OpenZFS
	Tags           []Tag
	Wire           json.RawMessage `json:",omitempty"`
}

// SVM is a stored ONTAP storage virtual machine.
type SVM struct {
	ID                      string
	FileSystemID            string
	Name                    string
	Lifecycle               string
	CreationTime            time.Time
	RootVolumeSecurityStyle string
	Dir                     string // namespace root: junction paths are below it
	Tags                    []Tag
	Wire                    json.RawMessage `json:",omitempty"`
}

// Volume is a stored volume.
type Volume struct {
	ID            string
	FileSystemID  string
	SVMID         string // ONTAP
	ParentID      string // OpenZFS child volumes
	Type          string // OPENZFS | ONTAP
	Name          string
	Lifecycle     string
	CreationTime  time.Time
	Dir           string // absolute directory that is the volume root
	JunctionPath  string // ONTAP; empty = not mounted
	SecurityStyle string // ONTAP: UNIX | NTFS | MIXED
	ReadOnly      bool
	QuotaGiB      int64 // OpenZFS StorageCapacityQuotaGiB; 0 or -1 = none
	// Imported is set when Dir is an existing tree the operator exposed
	// (tag fsxd:import-path): fsxd never removes it.
	Imported bool `json:",omitempty"`
	// RootID identifies Dir as made or imported (volume.DirID): a root
	// replaced since is not this volume's. "" on volumes recorded before
	// fsxd kept it, until the reconciler adopts the current one.
	RootID string `json:",omitempty"`
	Tags   []Tag
	Wire   json.RawMessage `json:",omitempty"`
}

// Tag is an FSx resource tag.
type Tag struct {
	Key   string
	Value string
}

// Token records a ClientRequestToken's first use.
type Token struct {
	Op       string
	Token    string
	Hash     string          // digest of the request parameters
	Result   json.RawMessage // the original response
	Created  time.Time
	Resource string // id or name of what the request created or deleted
	// Params is the request as hashed (token removed), kept so a mismatch
	// can name the first differing member (IncompatibleParameterError).
	Params json.RawMessage `json:",omitempty"`
}

// TokenKey is the store key of an idempotency token: scoped per operation.
func TokenKey(op, token string) string { return op + "/" + token }
