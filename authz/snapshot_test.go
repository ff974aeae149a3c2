package authz

import (
	"testing"

	"github.com/fsxd/fsxd"
)

// TestFSxResourceSnapshotsAndBackups: a request that names a snapshot (and
// no volume) acts on the snapshot's ARN, one that names a backup on the
// backup's; naming the volume keeps the volume's (RestoreVolumeFromSnapshot).
func TestFSxResourceSnapshotsAndBackups(t *testing.T) {
	a := fsxd.Account{Partition: "aws", Region: "us-east-1", ID: "123456789012"}
	for _, c := range []struct {
		t    FSxTarget
		want string
	}{
		{FSxTarget{SnapshotID: "fsvolsnap-1", SnapshotVolumeID: "fsvol-2"}, "arn:aws:fsx:us-east-1:123456789012:snapshot/fsvol-2/fsvolsnap-1"},
		{FSxTarget{SnapshotID: "fsvolsnap-1"}, "*"}, // unknown snapshot: its own not-found comes once authorized
		{FSxTarget{BackupID: "backup-1"}, "arn:aws:fsx:us-east-1:123456789012:backup/backup-1"},
		{FSxTarget{VolumeID: "fsvol-2", FileSystemID: "fs-3"}, "arn:aws:fsx:us-east-1:123456789012:volume/fs-3/fsvol-2"},
	} {
		if got := FSxResource(a, c.t); got != c.want {
			t.Errorf("FSxResource(%+v) = %s, want %s", c.t, got, c.want)
		}
	}
}
