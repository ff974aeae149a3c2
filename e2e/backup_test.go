package e2e

// Backups through the FSx API: independent checksummed copies that
// outlive their file system, restored byte for byte.

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/fsx/types"

	"github.com/fsxd/fsxd/server"
)

func describeBackup(t *testing.T, e *Env, id string) *types.Backup {
	t.Helper()
	out, err := e.FSx.DescribeBackups(context.Background(), &fsx.DescribeBackupsInput{BackupIds: []string{id}})
	var nf *types.BackupNotFound
	if errors.As(err, &nf) {
		return nil
	}
	if err != nil {
		t.Fatalf("DescribeBackups: %v", err)
	}
	return &out.Backups[0]
}

func waitBackup(t *testing.T, e *Env, id string, want types.BackupLifecycle) *types.Backup {
	t.Helper()
	var b *types.Backup
	Eventually(t, fsxWait, "backup "+id+" "+string(want), func() bool {
		b = describeBackup(t, e, id)
		if want == "GONE" {
			return b == nil
		}
		return b != nil && b.Lifecycle == want
	})
	return b
}

// TestBackupOutlivesFileSystem is the backup data test: files written
// through S3 and beside it, a backup, the file system deleted, a new file
// system from the backup holding the same tree byte for byte; then the
// final backup of that one, CopyBackup and DeleteBackup.
func TestBackupOutlivesFileSystem(t *testing.T) {
	backupDir := t.TempDir()
	e := Start(t, func(c *server.Config) { c.BackupDir = backupDir })
	ctx := context.Background()
	fsID, root := apOpenZFSFileSystem(t, e, "SINGLE_AZ_HA_2")
	vol := apChildVolume(t, e, root, "proj")
	alias := snapAttach(t, e, "proj-ap", vol)
	mustPutObject(t, e.S3Client(), alias, "docs/a.txt", "alpha")
	rootDir := filepath.Join(e.DataDir, "fs", fsID, "fsx")
	os.WriteFile(filepath.Join(rootDir, "beside.bin"), []byte{0, 1, 2, 3}, 0o640)
	os.Symlink("proj/docs/a.txt", filepath.Join(rootDir, "link"))
	want := treeOf(t, rootDir)

	_, err := e.FSx.CreateBackup(ctx, &fsx.CreateBackupInput{VolumeId: aws.String(vol)})
	fsxCode(t, "CreateBackup of an OpenZFS volume", err, "BadRequest", "back up its file system "+fsID)
	_, err = e.FSx.CreateBackup(ctx, &fsx.CreateBackupInput{FileSystemId: aws.String("fs-0123456789abcdef0")})
	fsxCode(t, "CreateBackup of a missing file system", err, "FileSystemNotFound", "File system 'fs-0123456789abcdef0' does not exist.")
	out, err := e.FSx.CreateBackup(ctx, &fsx.CreateBackupInput{FileSystemId: aws.String(fsID), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(out.Backup.BackupId)
	if out.Backup.Lifecycle != types.BackupLifecycleCreating || out.Backup.Type != types.BackupTypeUserInitiated || aws.ToString(out.Backup.FileSystem.FileSystemId) != fsID {
		t.Errorf("CreateBackup answered %+v", out.Backup)
	}
	b := waitBackup(t, e, id, types.BackupLifecycleAvailable)
	if aws.ToInt64(b.SizeInBytes) != 9 || aws.ToString(b.ResourceARN) != "arn:aws:fsx:us-east-1:"+Account+":backup/"+id {
		t.Errorf("backup %+v: SizeInBytes %d", b, aws.ToInt64(b.SizeInBytes))
	}
	if _, err := os.Stat(filepath.Join(backupDir, id)); err != nil {
		t.Errorf("backup not under --backup-dir: %v", err)
	}

	// Filters and paging.
	for _, f := range []types.Filter{
		{Name: types.FilterNameFileSystemId, Values: []string{fsID}},
		{Name: types.FilterNameBackupType, Values: []string{"USER_INITIATED"}},
		{Name: types.FilterNameFileSystemType, Values: []string{"OPENZFS"}},
		{Name: types.FilterNameVolumeId, Values: []string{root}},
	} {
		got, err := e.FSx.DescribeBackups(ctx, &fsx.DescribeBackupsInput{Filters: []types.Filter{f}})
		if err != nil || len(got.Backups) != 1 {
			t.Errorf("filter %s: %v, %v", f.Name, got, err)
		}
	}
	none, err := e.FSx.DescribeBackups(ctx, &fsx.DescribeBackupsInput{Filters: []types.Filter{{Name: types.FilterNameFileSystemType, Values: []string{"ONTAP"}}}})
	if err != nil || len(none.Backups) != 0 {
		t.Errorf("file-system-type ONTAP: %v, %v", none, err)
	}
	_, err = e.FSx.DescribeBackups(ctx, &fsx.DescribeBackupsInput{BackupIds: []string{"backup-0123456789abcdef0"}})
	fsxCode(t, "DescribeBackups of a missing id", err, "BackupNotFound", "Backup 'backup-0123456789abcdef0' does not exist.")

	// Delete the file system (no final backup), then restore.
	if _, err := e.FSx.DetachAndDeleteS3AccessPoint(ctx, &fsx.DetachAndDeleteS3AccessPointInput{Name: aws.String("proj-ap")}); err != nil {
		t.Fatal(err)
	}
	Eventually(t, fsxWait, "proj-ap gone", func() bool {
		_, err := e.FSx.DeleteFileSystem(ctx, &fsx.DeleteFileSystemInput{FileSystemId: aws.String(fsID), OpenZFSConfiguration: &types.DeleteFileSystemOpenZFSConfiguration{
			SkipFinalBackup: aws.Bool(true), Options: []types.DeleteFileSystemOpenZFSOption{types.DeleteFileSystemOpenZFSOptionDeleteChildVolumesAndSnapshots},
		}})
		return err == nil
	})
	waitFileSystem(t, e, fsID, "GONE")
	restored, err := e.FSx.CreateFileSystemFromBackup(ctx, &fsx.CreateFileSystemFromBackupInput{
		BackupId: aws.String(id), SubnetIds: []string{"subnet-0123456789abcdef0"},
		OpenZFSConfiguration: &types.CreateFileSystemOpenZFSConfiguration{DeploymentType: types.OpenZFSDeploymentTypeSingleAzHa2, ThroughputCapacity: aws.Int32(320)},
	})
	if err != nil {
		t.Fatal(err)
	}
	fs2 := aws.ToString(restored.FileSystem.FileSystemId)
	waitFileSystem(t, e, fs2, types.FileSystemLifecycleAvailable)
	sameTrees(t, "file system restored from a backup", treeOf(t, filepath.Join(e.DataDir, "fs", fs2, "fsx")), want)

	// CopyBackup, DeleteBackup; the final backup of the restored one.
	_, err = e.FSx.CopyBackup(ctx, &fsx.CopyBackupInput{SourceBackupId: aws.String(id), SourceRegion: aws.String("eu-west-1")})
	fsxCode(t, "CopyBackup from another region", err, "InvalidRegion", "eu-west-1")
	cp, err := e.FSx.CopyBackup(ctx, &fsx.CopyBackupInput{SourceBackupId: aws.String(id), CopyTags: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	cid := aws.ToString(cp.Backup.BackupId)
	if cid == id || aws.ToString(cp.Backup.SourceBackupId) != id || len(cp.Backup.Tags) != 1 {
		t.Errorf("CopyBackup answered %+v", cp.Backup)
	}
	waitBackup(t, e, cid, types.BackupLifecycleAvailable)
	del, err := e.FSx.DeleteBackup(ctx, &fsx.DeleteBackupInput{BackupId: aws.String(id)})
	if err != nil || del.Lifecycle != types.BackupLifecycleDeleted {
		t.Fatalf("DeleteBackup: %+v, %v", del, err)
	}
	waitBackup(t, e, id, "GONE")
	_, err = e.FSx.DeleteBackup(ctx, &fsx.DeleteBackupInput{BackupId: aws.String(id)})
	fsxCode(t, "DeleteBackup of a deleted backup", err, "BackupNotFound", "does not exist.")
	sameTrees(t, "copy of a backup", treeOf(t, filepath.Join(backupDir, cid)), want)

	fin, err := e.FSx.DeleteFileSystem(ctx, &fsx.DeleteFileSystemInput{FileSystemId: aws.String(fs2)})
	if err != nil || fin.OpenZFSResponse == nil || fin.OpenZFSResponse.FinalBackupId == nil {
		t.Fatalf("DeleteFileSystem without SkipFinalBackup: %+v, %v", fin, err)
	}
	waitFileSystem(t, e, fs2, "GONE")
	waitBackup(t, e, aws.ToString(fin.OpenZFSResponse.FinalBackupId), types.BackupLifecycleAvailable)
	sameTrees(t, "final backup", treeOf(t, filepath.Join(backupDir, aws.ToString(fin.OpenZFSResponse.FinalBackupId))), want)
}

// TestBackupONTAPVolume: an ONTAP volume's backup restores into a new
// volume with CreateVolumeFromBackup.
func TestBackupONTAPVolume(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	svmID, vol := apONTAP(t, e)
	svm, err := e.FSx.DescribeStorageVirtualMachines(ctx, &fsx.DescribeStorageVirtualMachinesInput{StorageVirtualMachineIds: []string{svmID}})
	if err != nil {
		t.Fatal(err)
	}
	svmDir := filepath.Join(e.DataDir, "fs", aws.ToString(svm.StorageVirtualMachines[0].FileSystemId), svmID)
	os.MkdirAll(filepath.Join(svmDir, "data", "sub"), 0o750)
	os.WriteFile(filepath.Join(svmDir, "data", "sub", "f"), []byte("ontap data"), 0o604)
	want := treeOf(t, filepath.Join(svmDir, "data"))

	out, err := e.FSx.CreateBackup(ctx, &fsx.CreateBackupInput{VolumeId: aws.String(vol)})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(out.Backup.BackupId)
	b := waitBackup(t, e, id, types.BackupLifecycleAvailable)
	if b.ResourceType != types.ResourceTypeVolume || aws.ToString(b.Volume.VolumeId) != vol {
		t.Errorf("ONTAP backup %+v", b)
	}
	nv, err := e.FSx.CreateVolumeFromBackup(ctx, &fsx.CreateVolumeFromBackupInput{
		BackupId: aws.String(id), Name: aws.String("restored"),
		OntapConfiguration: &types.CreateOntapVolumeConfiguration{
			StorageVirtualMachineId: aws.String(svmID), JunctionPath: aws.String("/restored"),
			SizeInBytes: aws.Int64(1 << 30), StorageEfficiencyEnabled: aws.Bool(true),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	apWaitVolume(t, e, aws.ToString(nv.Volume.VolumeId))
	sameTrees(t, "ONTAP volume from a backup", treeOf(t, filepath.Join(svmDir, "restored")), want)
	_, err = e.FSx.CreateFileSystemFromBackup(ctx, &fsx.CreateFileSystemFromBackupInput{BackupId: aws.String(id), SubnetIds: []string{"subnet-0123456789abcdef0"}})
	fsxCode(t, "CreateFileSystemFromBackup of an ONTAP backup", err, "BadRequest", "use CreateVolumeFromBackup")
}
