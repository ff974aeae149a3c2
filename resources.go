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

// Store kinds: the table names of the records below. store/schema.go binds
// each to its record type. The records are the persisted format: their
// JSON tags are the names version 1 wrote, so a Go field may be renamed
// but its tag may not (store/storetest/testdata/v1 holds such a database).
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
	ID           string    `json:"ID"`
	Type         string    `json:"Type"` // OPENZFS | ONTAP
	Lifecycle    string    `json:"Lifecycle"`
	CreationTime time.Time `json:"CreationTime"`
	// DeletionTime is when DELETING began: the record stays, DELETING,
	// for LifecycleDelay after it (zero on records from before).
	DeletionTime   time.Time       `json:"DeletionTime,omitzero"`
	DeploymentType string          `json:"DeploymentType"`
	Dir            string          `json:"Dir"`          // absolute directory holding the file system's data
	RootVolumeID   string          `json:"RootVolumeID"` // OpenZFS
	Tags           []Tag           `json:"Tags"`
	Wire           json.RawMessage `json:"Wire,omitempty"`
	// FailureReason says why a file system is FAILED (its root volume
	// could not be made from its backup).
	FailureReason string `json:"FailureReason,omitempty"`
}

// SVM is a stored ONTAP storage virtual machine.
type SVM struct {
	ID                      string          `json:"ID"`
	FileSystemID            string          `json:"FileSystemID"`
	Name                    string          `json:"Name"`
	Lifecycle               string          `json:"Lifecycle"`
	CreationTime            time.Time       `json:"CreationTime"`
	DeletionTime            time.Time       `json:"DeletionTime,omitzero"` // as FileSystem's
	RootVolumeSecurityStyle string          `json:"RootVolumeSecurityStyle"`
	Dir                     string          `json:"Dir"` // namespace root: junction paths are below it
	Tags                    []Tag           `json:"Tags"`
	Wire                    json.RawMessage `json:"Wire,omitempty"`
}

// Volume is a stored volume.
type Volume struct {
	ID            string    `json:"ID"`
	FileSystemID  string    `json:"FileSystemID"`
	SVMID         string    `json:"SVMID"`    // ONTAP
	ParentID      string    `json:"ParentID"` // OpenZFS child volumes
	Type          string    `json:"Type"`     // OPENZFS | ONTAP
	Name          string    `json:"Name"`
	Lifecycle     string    `json:"Lifecycle"`
	CreationTime  time.Time `json:"CreationTime"`
	DeletionTime  time.Time `json:"DeletionTime,omitzero"` // as FileSystem's
	Dir           string    `json:"Dir"`                   // absolute directory that is the volume root
	JunctionPath  string    `json:"JunctionPath"`          // ONTAP; empty = not mounted
	SecurityStyle string    `json:"SecurityStyle"`         // ONTAP: UNIX | NTFS | MIXED
	ReadOnly      bool      `json:"ReadOnly"`
	QuotaGiB      int64     `json:"QuotaGiB"` // OpenZFS StorageCapacityQuotaGiB; 0 or -1 = none
	// Imported is set when Dir is an existing tree the operator exposed
	// (tag fsxd:import-path): fsxd never removes it.
	Imported bool `json:"Imported,omitempty"`
	// RootID identifies Dir as made or imported (volume.DirID): a root
	// replaced since is not this volume's. "" on volumes recorded before
	// fsxd kept it, until the reconciler adopts the current one.
	RootID string `json:"RootID,omitempty"`
	// OriginSnapshotID (or OriginBackupID) names the copy a new volume is
	// made from (CreateVolume with OriginSnapshot, CreateVolumeFromBackup).
	OriginSnapshotID string `json:"OriginSnapshotID,omitempty"`
	OriginBackupID   string `json:"OriginBackupID,omitempty"`
	// Restoring names the snapshot RestoreVolumeFromSnapshot is putting
	// back ("" when none): the reconciler (re)does it until it is done.
	Restoring string `json:"Restoring,omitempty"`
	// RestoreAction is the AdministrativeActionType shown meanwhile:
	// VOLUME_RESTORE, or VOLUME_UPDATE_WITH_SNAPSHOT for another volume's.
	RestoreAction string `json:"RestoreAction,omitempty"`
	// RestoreFailure says why the last restore or update failed (its
	// action then shows FAILED); RestoreAttempts counts the failed tries
	// of the one under way.
	RestoreFailure  string `json:"RestoreFailure,omitempty"`
	RestoreAttempts int    `json:"RestoreAttempts,omitempty"`
	// FailureReason says why a volume is FAILED, when fsxd knows.
	FailureReason string          `json:"FailureReason,omitempty"`
	Tags          []Tag           `json:"Tags"`
	Wire          json.RawMessage `json:"Wire,omitempty"`
}

// Tag is an FSx resource tag.
type Tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// Token records a ClientRequestToken's first use.
type Token struct {
	Op       string          `json:"Op"`
	Token    string          `json:"Token"`
	Hash     string          `json:"Hash"`   // digest of the request parameters
	Result   json.RawMessage `json:"Result"` // the original response
	Created  time.Time       `json:"Created"`
	Resource string          `json:"Resource"` // id or name of what the request created or deleted
	// Params is the request as hashed (token removed, passwords replaced
	// by keyed digests: idempotency.Mask), kept so a mismatch can name the
	// first differing member (IncompatibleParameterError).
	Params json.RawMessage `json:"Params,omitempty"`
}

// TokenKey is the store key of an idempotency token: scoped per operation.
func TokenKey(op, token string) string { return op + "/" + token }
