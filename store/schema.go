package store

import "github.com/fsxd/fsxd"

// The schema: every table fsxd keeps, each declared once with the type of
// its records. A kind's name is part of the on-disk format (databases
// written by older versions hold it), so a name never changes; a record's
// JSON member names are pinned by tags on the record types for the same
// reason. store/storetest/testdata/v1 is a database as version 1 wrote it,
// and storetest.CheckV1 reads it through these handles.
var (
	FileSystems = Kind[fsxd.FileSystem]{Name: fsxd.KindFileSystem} // key: file system id
	SVMs        = Kind[fsxd.SVM]{Name: fsxd.KindSVM}               // key: SVM id
	Volumes     = Kind[fsxd.Volume]{Name: fsxd.KindVolume}         // key: volume id
	Attachments = Kind[fsxd.Attachment]{Name: fsxd.KindAttachment} // key: access point name
	Aliases     = Kind[Alias]{Name: fsxd.KindAlias}                // key: access point alias
	Tokens      = Kind[fsxd.Token]{Name: fsxd.KindToken}           // key: fsxd.TokenKey
	Snapshots   = Kind[fsxd.Snapshot]{Name: fsxd.KindSnapshot}     // key: snapshot id
	Backups     = Kind[fsxd.Backup]{Name: fsxd.KindBackup}         // key: backup id

	// PendingAttachments indexes attachments that are CREATING or
	// DELETING (key: access point name), so the reconciler reads only those.
	PendingAttachments = Kind[PendingAttachment]{Name: "attachment-pending"}
	// AttachmentCounts counts attachments (DELETING ones included) for the
	// quotas, kept in the transaction that inserts or removes one. Key:
	// "account", or "fs/" + file system id. A missing count is computed
	// from Attachments once (databases written before counts existed).
	AttachmentCounts = Kind[AttachmentCount]{Name: "attachment-count"}

	IAMUsers  = Kind[IAMUser]{Name: "iam-user"}   // key: lower-case user name
	IAMGroups = Kind[IAMGroup]{Name: "iam-group"} // key: lower-case group name
	IAMKeys   = Kind[IAMKey]{Name: "iam-key"}     // key: access key id

	IAMRoles    = Kind[IAMRole]{Name: "iam-role"}       // key: lower-case role name
	IAMSessions = Kind[IAMSession]{Name: "iam-session"} // key: temporary access key id
	IAMPolicies = Kind[IAMPolicy]{Name: "iam-policy"}   // key: lower-case managed policy name
)

// IAMKinds names every IAM kind above: caches of keys and policies hear
// of their writes (Store.OnChange), so a new IAM kind belongs here too.
var IAMKinds = []string{IAMUsers.Name, IAMGroups.Name, IAMKeys.Name, IAMRoles.Name, IAMSessions.Name, IAMPolicies.Name}
