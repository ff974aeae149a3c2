package e2e

// Identity policies govern snapshot and backup operations like the
// others: each operation's action on the resource its request names
// (fsxapi/targets.go), through the real server.

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/fsx/types"
)

const fsxARNPrefix = "arn:aws:fsx:" + Region + ":" + Account + ":"

// TestAuthzSnapshotsAndBackups: a user may snapshot one volume and not
// another, manage that volume's snapshots only, describe everything, and
// delete every backup but one; a denied caller learns nothing of a
// snapshot it may not touch.
func TestAuthzSnapshotsAndBackups(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	fsID, root := apOpenZFSFileSystem(t, e, "SINGLE_AZ_HA_2")
	mine := apChildVolume(t, e, root, "mine")
	theirs := apChildVolume(t, e, root, "theirs")
	theirSnap := createSnapshot(t, e, theirs, "theirs-1")
	keep, err := e.FSx.CreateBackup(ctx, &fsx.CreateBackupInput{FileSystemId: aws.String(fsID)})
	if err != nil {
		t.Fatal(err)
	}
	keepID := aws.ToString(keep.Backup.BackupId)
	waitBackup(t, e, keepID, types.BackupLifecycleAvailable)
	waitSnapshot(t, e, aws.ToString(theirSnap.SnapshotId), types.SnapshotLifecycleAvailable)

	u := azUser(t, e, "snapper", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["fsx:Describe*","fsx:CreateBackup","fsx:DeleteBackup","fsx:CopyBackup"],"Resource":"*"},
		{"Effect":"Allow","Action":["fsx:CreateSnapshot","fsx:RestoreVolumeFromSnapshot"],"Resource":"`+fsxARNPrefix+`volume/`+fsID+`/`+mine+`"},
		{"Effect":"Allow","Action":["fsx:UpdateSnapshot","fsx:DeleteSnapshot"],"Resource":"`+fsxARNPrefix+`snapshot/`+mine+`/*"},
		{"Effect":"Deny","Action":"fsx:DeleteBackup","Resource":"`+fsxARNPrefix+`backup/`+keepID+`"}]}`)

	// Snapshots: allowed on mine, denied on theirs.
	out, err := u.FSx.CreateSnapshot(ctx, &fsx.CreateSnapshotInput{VolumeId: aws.String(mine), Name: aws.String("mine-1")})
	azWant(t, "CreateSnapshot of an allowed volume", err, "")
	_, err = u.FSx.CreateSnapshot(ctx, &fsx.CreateSnapshotInput{VolumeId: aws.String(theirs), Name: aws.String("x")})
	azWant(t, "CreateSnapshot of another volume", err, "AccessDeniedException")
	_, err = u.FSx.DescribeSnapshots(ctx, &fsx.DescribeSnapshotsInput{})
	azWant(t, "DescribeSnapshots", err, "")
	myID := aws.ToString(out.Snapshot.SnapshotId)
	waitSnapshot(t, e, myID, types.SnapshotLifecycleAvailable)
	_, err = u.FSx.UpdateSnapshot(ctx, &fsx.UpdateSnapshotInput{SnapshotId: aws.String(myID), Name: aws.String("mine-renamed")})
	azWant(t, "UpdateSnapshot of my snapshot", err, "")
	_, err = u.FSx.UpdateSnapshot(ctx, &fsx.UpdateSnapshotInput{SnapshotId: theirSnap.SnapshotId, Name: aws.String("x")})
	azWant(t, "UpdateSnapshot of theirs", err, "AccessDeniedException")
	_, err = u.FSx.RestoreVolumeFromSnapshot(ctx, &fsx.RestoreVolumeFromSnapshotInput{VolumeId: aws.String(theirs), SnapshotId: theirSnap.SnapshotId})
	azWant(t, "RestoreVolumeFromSnapshot of theirs", err, "AccessDeniedException")

	// No existence leak: a snapshot id that does not exist is refused like
	// one the caller may not touch, not answered SnapshotNotFound.
	for _, id := range []string{aws.ToString(theirSnap.SnapshotId), "fsvolsnap-0123456789abcdef0"} {
		_, err = u.FSx.DeleteSnapshot(ctx, &fsx.DeleteSnapshotInput{SnapshotId: aws.String(id)})
		azWant(t, "DeleteSnapshot of "+id, err, "AccessDeniedException")
	}
	_, err = u.FSx.DeleteSnapshot(ctx, &fsx.DeleteSnapshotInput{SnapshotId: aws.String(myID)})
	azWant(t, "DeleteSnapshot of my snapshot", err, "")
	if describeSnapshot(t, e, aws.ToString(theirSnap.SnapshotId)) == nil {
		t.Error("a denied DeleteSnapshot deleted the snapshot")
	}

	// Backups: DeleteBackup denied by the backup's ARN only.
	cp, err := u.FSx.CopyBackup(ctx, &fsx.CopyBackupInput{SourceBackupId: aws.String(keepID)})
	azWant(t, "CopyBackup", err, "")
	_, err = u.FSx.DeleteBackup(ctx, &fsx.DeleteBackupInput{BackupId: aws.String(keepID)})
	azWant(t, "DeleteBackup of the denied backup", err, "AccessDeniedException")
	copyID := aws.ToString(cp.Backup.BackupId)
	waitBackup(t, e, copyID, types.BackupLifecycleAvailable)
	_, err = u.FSx.DeleteBackup(ctx, &fsx.DeleteBackupInput{BackupId: aws.String(copyID)})
	azWant(t, "DeleteBackup of the copy", err, "")
	_, err = u.FSx.CreateFileSystemFromBackup(ctx, &fsx.CreateFileSystemFromBackupInput{BackupId: aws.String(keepID), SubnetIds: []string{"subnet-0123456789abcdef0"}})
	azWant(t, "CreateFileSystemFromBackup without the action", err, "AccessDeniedException")
	if describeBackup(t, e, keepID) == nil {
		t.Error("a denied DeleteBackup deleted the backup")
	}
}
