package e2e

// The documented errors of the backup and snapshot operations that need a
// resource in a given state: the server runs with a long lifecycle delay,
// so a backup, a copy or a restore stays in progress (CREATING, COPYING)
// for at least that long while the test asks.

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/fsx/types"

	"github.com/fsxd/fsxd/server"
)

func TestBackupErrorsInProgress(t *testing.T) {
	e := Start(t, func(c *server.Config) { c.LifecycleDelay = 3 * time.Second })
	ctx := context.Background()
	fsID, _ := apOpenZFSFileSystem(t, e, "SINGLE_AZ_HA_2")

	tok := aws.String("backup-token-1")
	out, err := e.FSx.CreateBackup(ctx, &fsx.CreateBackupInput{FileSystemId: aws.String(fsID), ClientRequestToken: tok})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(out.Backup.BackupId)
	again, err := e.FSx.CreateBackup(ctx, &fsx.CreateBackupInput{FileSystemId: aws.String(fsID), ClientRequestToken: tok})
	if err != nil || aws.ToString(again.Backup.BackupId) != id {
		t.Errorf("CreateBackup retried with its token: %v, %v; want backup %s again", again, err, id)
	}
	_, err = e.FSx.CreateBackup(ctx, &fsx.CreateBackupInput{FileSystemId: aws.String(fsID), ClientRequestToken: tok,
		Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	fsxCode(t, "CreateBackup: a token with other parameters", err, "IncompatibleParameterError", "Tags differs")
	_, err = e.FSx.CreateBackup(ctx, &fsx.CreateBackupInput{FileSystemId: aws.String(fsID)})
	fsxCode(t, "CreateBackup while one is in progress", err, "BackupInProgress", "already in progress")
	_, err = e.FSx.DeleteBackup(ctx, &fsx.DeleteBackupInput{BackupId: aws.String(id)})
	fsxCode(t, "DeleteBackup of a CREATING backup", err, "BackupInProgress", "is still being created")
	_, err = e.FSx.CopyBackup(ctx, &fsx.CopyBackupInput{SourceBackupId: aws.String(id)})
	fsxCode(t, "CopyBackup of a CREATING backup", err, "BadRequest", "only an AVAILABLE backup can be used")
	_, err = e.FSx.CreateBackup(ctx, &fsx.CreateBackupInput{})
	fsxCode(t, "CreateBackup naming nothing", err, "BadRequest", "Specify either FileSystemId (OpenZFS) or VolumeId (ONTAP).")
	waitBackup(t, e, id, types.BackupLifecycleAvailable)

	// A copy in progress holds its source.
	cp, err := e.FSx.CopyBackup(ctx, &fsx.CopyBackupInput{SourceBackupId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	if cp.Backup.Lifecycle != types.BackupLifecycleCopying {
		t.Errorf("CopyBackup answered lifecycle %s, want COPYING", cp.Backup.Lifecycle)
	}
	_, err = e.FSx.DeleteBackup(ctx, &fsx.DeleteBackupInput{BackupId: aws.String(id)})
	fsxCode(t, "DeleteBackup of a backup being copied", err, "BackupBeingCopied", "is being copied")
	_, err = e.FSx.CopyBackup(ctx, &fsx.CopyBackupInput{SourceBackupId: aws.String("backup-0123456789abcdef0")})
	fsxCode(t, "CopyBackup of a missing backup", err, "BackupNotFound", "Backup 'backup-0123456789abcdef0' does not exist.")
	_, err = e.FSx.CreateVolumeFromBackup(ctx, &fsx.CreateVolumeFromBackupInput{BackupId: aws.String(id), Name: aws.String("v"),
		OntapConfiguration: &types.CreateOntapVolumeConfiguration{StorageVirtualMachineId: aws.String("svm-0123456789abcdef0")}})
	fsxCode(t, "CreateVolumeFromBackup of an OpenZFS backup", err, "BadRequest", "use CreateFileSystemFromBackup")
	cid := aws.ToString(cp.Backup.BackupId)
	waitBackup(t, e, cid, types.BackupLifecycleAvailable)

	// A restore in progress holds its backup.
	if _, err := e.FSx.CreateFileSystemFromBackup(ctx, &fsx.CreateFileSystemFromBackupInput{
		BackupId: aws.String(id), SubnetIds: []string{"subnet-0123456789abcdef0"},
		OpenZFSConfiguration: &types.CreateFileSystemOpenZFSConfiguration{DeploymentType: types.OpenZFSDeploymentTypeSingleAzHa2, ThroughputCapacity: aws.Int32(320)},
	}); err != nil {
		t.Fatal(err)
	}
	_, err = e.FSx.DeleteBackup(ctx, &fsx.DeleteBackupInput{BackupId: aws.String(id)})
	fsxCode(t, "DeleteBackup of a backup being restored", err, "BackupRestoring", "is being restored to volume")

	// Paging: one at a time through both, then a foreign token.
	var seen []string
	var token *string
	for {
		page, err := e.FSx.DescribeBackups(ctx, &fsx.DescribeBackupsInput{MaxResults: aws.Int32(1), NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Backups) > 1 {
			t.Fatalf("MaxResults 1 gave %d backups", len(page.Backups))
		}
		for _, b := range page.Backups {
			seen = append(seen, aws.ToString(b.BackupId))
		}
		if token = page.NextToken; token == nil {
			break
		}
	}
	if len(seen) != 2 || seen[0] == seen[1] {
		t.Errorf("paged through %v, want the backup and its copy", seen)
	}
	_, err = e.FSx.DescribeBackups(ctx, &fsx.DescribeBackupsInput{NextToken: aws.String("bm90IGEgdG9rZW4=")})
	fsxCode(t, "DescribeBackups with a bad token", err, "BadRequest", "The NextToken value is invalid.")
}

// TestSnapshotClonedVolumesAndFilters: a restore past a snapshot with a
// clone needs DELETE_CLONED_VOLUMES and then deletes the clone; snapshots
// copy their volume's tags when it asks; the file-system-id filter.
func TestSnapshotClonedVolumesAndFilters(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	fsID, root := apOpenZFSFileSystem(t, e, "SINGLE_AZ_HA_2")
	cv, err := e.FSx.CreateVolume(ctx, &fsx.CreateVolumeInput{
		VolumeType: types.VolumeTypeOpenzfs, Name: aws.String("tagged"), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("a")}},
		OpenZFSConfiguration: &types.CreateOpenZFSVolumeConfiguration{ParentVolumeId: aws.String(root), CopyTagsToSnapshots: aws.Bool(true)},
	})
	if err != nil {
		t.Fatal(err)
	}
	vol := aws.ToString(cv.Volume.VolumeId)
	apWaitVolume(t, e, vol)
	s1 := createSnapshot(t, e, vol, "s1")
	if len(s1.Tags) != 1 || aws.ToString(s1.Tags[0].Key) != "team" {
		t.Errorf("snapshot of a CopyTagsToSnapshots volume has tags %+v", s1.Tags)
	}
	own := createSnapshot(t, e, vol, "s2", types.Tag{Key: aws.String("own"), Value: aws.String("x")})
	if len(own.Tags) != 1 || aws.ToString(own.Tags[0].Key) != "own" {
		t.Errorf("snapshot with its own tags has %+v", own.Tags)
	}
	waitSnapshot(t, e, aws.ToString(s1.SnapshotId), types.SnapshotLifecycleAvailable)
	waitSnapshot(t, e, aws.ToString(own.SnapshotId), types.SnapshotLifecycleAvailable)
	cl, err := e.FSx.CreateVolume(ctx, &fsx.CreateVolumeInput{VolumeType: types.VolumeTypeOpenzfs, Name: aws.String("clone"),
		OpenZFSConfiguration: &types.CreateOpenZFSVolumeConfiguration{ParentVolumeId: aws.String(root),
			OriginSnapshot: &types.CreateOpenZFSOriginSnapshotConfiguration{SnapshotARN: own.ResourceARN, CopyStrategy: types.OpenZFSCopyStrategyClone}}})
	if err != nil {
		t.Fatal(err)
	}
	clone := aws.ToString(cl.Volume.VolumeId)
	apWaitVolume(t, e, clone)

	for _, c := range []struct {
		filter string
		value  string
		want   int
	}{{"file-system-id", fsID, 2}, {"file-system-id", "fs-0123456789abcdef0", 0}, {"volume-id", clone, 0}} {
		out, err := e.FSx.DescribeSnapshots(ctx, &fsx.DescribeSnapshotsInput{IncludeShared: aws.Bool(true),
			Filters: []types.SnapshotFilter{{Name: types.SnapshotFilterName(c.filter), Values: []string{c.value}}}})
		if err != nil || len(out.Snapshots) != c.want {
			t.Errorf("filter %s=%s: %d snapshots (%v), want %d", c.filter, c.value, len(out.Snapshots), err, c.want)
		}
	}

	restore := func(opts ...types.RestoreOpenZFSVolumeOption) error {
		_, err := e.FSx.RestoreVolumeFromSnapshot(ctx, &fsx.RestoreVolumeFromSnapshotInput{VolumeId: aws.String(vol), SnapshotId: s1.SnapshotId, Options: opts})
		return err
	}
	fsxCode(t, "restore past a cloned snapshot without DELETE_CLONED_VOLUMES", restore(types.RestoreOpenZFSVolumeOptionDeleteIntermediateSnapshots),
		"BadRequest", "specify the option DELETE_CLONED_VOLUMES")
	if err := restore(types.RestoreOpenZFSVolumeOptionDeleteIntermediateSnapshots, types.RestoreOpenZFSVolumeOptionDeleteClonedVolumes); err != nil {
		t.Fatal(err)
	}
	waitRestored(t, e, vol)
	waitSnapshot(t, e, aws.ToString(own.SnapshotId), "GONE")
	waitVolumeGone(t, e, clone)
}

func waitVolumeGone(t *testing.T, e *Env, vol string) {
	t.Helper()
	Eventually(t, fsxWait, "volume "+vol+" gone", func() bool {
		_, err := e.FSx.DescribeVolumes(context.Background(), &fsx.DescribeVolumesInput{VolumeIds: []string{vol}})
		var nf *types.VolumeNotFound
		return errors.As(err, &nf)
	})
}

// TestSnapshotAndBackupEdges: the errors of clones from snapshots, of
// renames to a taken name and of deleting a file system whose root
// volume has snapshots; tags on a backup's ARN.
func TestSnapshotAndBackupEdges(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	fsID, root := apOpenZFSFileSystem(t, e, "SINGLE_AZ_HA_2")
	_, otherRoot := apOpenZFSFileSystem(t, e, "SINGLE_AZ_HA_2")
	r1 := createSnapshot(t, e, root, "r1")
	r2 := createSnapshot(t, e, root, "r2")
	waitSnapshot(t, e, aws.ToString(r1.SnapshotId), types.SnapshotLifecycleAvailable)
	waitSnapshot(t, e, aws.ToString(r2.SnapshotId), types.SnapshotLifecycleAvailable)

	_, err := e.FSx.UpdateSnapshot(ctx, &fsx.UpdateSnapshotInput{SnapshotId: r2.SnapshotId, Name: aws.String("r1")})
	fsxCode(t, "UpdateSnapshot to a taken name", err, "BadRequest", "A snapshot named r1 already exists on volume "+root)
	clone := func(parent, arn string, strategy types.OpenZFSCopyStrategy) error {
		_, err := e.FSx.CreateVolume(ctx, &fsx.CreateVolumeInput{VolumeType: types.VolumeTypeOpenzfs, Name: aws.String("c"),
			OpenZFSConfiguration: &types.CreateOpenZFSVolumeConfiguration{ParentVolumeId: aws.String(parent),
				OriginSnapshot: &types.CreateOpenZFSOriginSnapshotConfiguration{SnapshotARN: aws.String(arn), CopyStrategy: strategy}}})
		return err
	}
	arn := aws.ToString(r1.ResourceARN)
	fsxCode(t, "CreateVolume with INCREMENTAL_COPY", clone(root, arn, types.OpenZFSCopyStrategyIncrementalCopy), "BadRequest", "only for CopySnapshotAndUpdateVolume")
	fsxCode(t, "CLONE into another file system", clone(otherRoot, arn, types.OpenZFSCopyStrategyClone), "BadRequest", "use the copy strategy FULL_COPY")
	volARN := "arn:aws:fsx:us-east-1:" + Account + ":volume/" + fsID + "/" + root
	fsxCode(t, "CreateVolume from a volume ARN", clone(root, volARN, types.OpenZFSCopyStrategyClone), "BadRequest", "is not a snapshot ARN")
	missing := "arn:aws:fsx:us-east-1:" + Account + ":snapshot/" + root + "/fsvolsnap-0123456789abcdef0"
	fsxCode(t, "CreateVolume from a missing snapshot", clone(root, missing, types.OpenZFSCopyStrategyClone), "SnapshotNotFound", "does not exist.")
	if err := clone(otherRoot, arn, types.OpenZFSCopyStrategyFullCopy); err != nil {
		t.Errorf("FULL_COPY into another file system: %v", err)
	}

	// Tags on a backup's ARN.
	b, err := e.FSx.CreateBackup(ctx, &fsx.CreateBackupInput{FileSystemId: aws.String(fsID), Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("1")}}})
	if err != nil {
		t.Fatal(err)
	}
	backupARN := b.Backup.ResourceARN
	if _, err := e.FSx.TagResource(ctx, &fsx.TagResourceInput{ResourceARN: backupARN, Tags: []types.Tag{{Key: aws.String("b"), Value: aws.String("2")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.FSx.UntagResource(ctx, &fsx.UntagResourceInput{ResourceARN: backupARN, TagKeys: []string{"a"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := e.FSx.ListTagsForResource(ctx, &fsx.ListTagsForResourceInput{ResourceARN: backupARN})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "b" {
		t.Errorf("backup tags after TagResource b, UntagResource a: %+v, %v", tags, err)
	}
	if got := waitBackup(t, e, aws.ToString(b.Backup.BackupId), types.BackupLifecycleAvailable); len(got.Tags) != 1 || aws.ToString(got.Tags[0].Key) != "b" {
		t.Errorf("DescribeBackups tags %+v", got.Tags)
	}

	_, err = e.FSx.DeleteFileSystem(ctx, &fsx.DeleteFileSystemInput{FileSystemId: aws.String(fsID),
		OpenZFSConfiguration: &types.DeleteFileSystemOpenZFSConfiguration{SkipFinalBackup: aws.Bool(true)}})
	fsxCode(t, "DeleteFileSystem with snapshots of its root volume", err, "BadRequest", "specify the option DELETE_CHILD_VOLUMES_AND_SNAPSHOTS")
}
