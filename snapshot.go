package fsxd

import (
	"encoding/json"
	"fmt"
	"time"
)

// Snapshot and backup kinds and ids.
const (
	KindSnapshot = "snapshot"
	KindBackup   = "backup"

	SnapshotPrefix = "fsvolsnap-"
	BackupPrefix   = "backup-"
)

// Snapshot is a stored OpenZFS volume snapshot. Its data is a copy of the
// volume's tree in Dir (volume.CopyTree), made while it is CREATING.
type Snapshot struct {
	ID           string    `json:"ID"`
	VolumeID     string    `json:"VolumeID"`
	FileSystemID string    `json:"FileSystemID"`
	Name         string    `json:"Name"`
	Lifecycle    string    `json:"Lifecycle"`
	CreationTime time.Time `json:"CreationTime"`
	Dir          string    `json:"Dir"` // absolute; exists once AVAILABLE
	Tags         []Tag     `json:"Tags"`
	// Method and Bytes say how the copy was made ("reflink",
	// "copy_file_range", "read/write") and how much it copied.
	Method string `json:"Method,omitempty"`
	Bytes  int64  `json:"Bytes,omitempty"`
}

// Backup is a stored backup: an independent checksummed copy of a
// volume (Volume) or of an OpenZFS file system's root volume, in Dir.
type Backup struct {
	ID             string    `json:"ID"`
	Type           string    `json:"Type"` // USER_INITIATED | AUTOMATIC
	ResourceType   string    `json:"ResourceType"`
	FileSystemID   string    `json:"FileSystemID"`
	FileSystemType string    `json:"FileSystemType"`
	VolumeID       string    `json:"VolumeID"`
	SourceBackupID string    `json:"SourceBackupID,omitempty"`
	Lifecycle      string    `json:"Lifecycle"`
	CreationTime   time.Time `json:"CreationTime"`
	Dir            string    `json:"Dir"`
	Tags           []Tag     `json:"Tags"`
	Bytes          int64     `json:"Bytes,omitempty"`
	Checksum       string    `json:"Checksum,omitempty"` // over the tree's paths, metadata and bytes
	// FileSystem and Volume are the wire shapes of the source as they were
	// when backed up (fsxapi owns their contents).
	FileSystem json.RawMessage `json:"FileSystem,omitempty"`
	Volume     json.RawMessage `json:"Volume,omitempty"`
}

// SnapshotARN is arn:aws:fsx:<region>:<account>:snapshot/<fsvol-id>/<fsvolsnap-id>.
func (a Account) SnapshotARN(volID, snapID string) string {
	return fmt.Sprintf("arn:%s:fsx:%s:%s:snapshot/%s/%s", a.Partition, a.Region, a.ID, volID, snapID)
}

// BackupARN is arn:aws:fsx:<region>:<account>:backup/<backup-id>.
func (a Account) BackupARN(id string) string {
	return fmt.Sprintf("arn:%s:fsx:%s:%s:backup/%s", a.Partition, a.Region, a.ID, id)
}
