package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/fsx/types"
)

// TestMultiNodeCopiesOnce: on two nodes sharing one database and one data
// directory, both reconcilers see every CREATING snapshot and backup and
// every restore. Each copy must be made by one of them: before copies were
// claimed (fsxapi/joblock.go) both copied at once into the same hidden
// directory, each clearing the other's work, and snapshots and backups of
// a volume of 3,200 files came up AVAILABLE with 0–71 of them.
func TestMultiNodeCopiesOnce(t *testing.T) {
	c := startCluster(t, 2, "--lifecycle-delay", "200ms")
	n1, n2 := c.nodes[0], c.nodes[1]
	ctx := context.Background()
	fsID, rootVol := apOpenZFSFileSystem(t, n1.Env, "SINGLE_AZ_HA_2")
	rootDir := filepath.Join(n1.DataDir, "fs", fsID, "fsx")
	for i := range 1500 {
		d := filepath.Join(rootDir, fmt.Sprintf("d%02d", i%30))
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, fmt.Sprintf("f%d", i)), []byte(fmt.Sprintf("file %d", i)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	orig := treeOf(t, rootDir)

	var snaps []string
	for i, n := range []*Process{n1, n2, n1} {
		snaps = append(snaps, aws.ToString(createSnapshot(t, n.Env, rootVol, fmt.Sprintf("s%d", i)).SnapshotId))
	}
	b, err := n2.FSx.CreateBackup(ctx, &fsx.CreateBackupInput{FileSystemId: aws.String(fsID)})
	if err != nil {
		t.Fatal(err)
	}
	backupID := aws.ToString(b.Backup.BackupId)
	for i, id := range snaps {
		waitSnapshot(t, c.nodes[(i+1)%2].Env, id, types.SnapshotLifecycleAvailable)
		sameTrees(t, "snapshot "+id, treeOf(t, filepath.Join(n1.DataDir, "snapshots", id)), orig)
	}
	waitBackup(t, n1.Env, backupID, types.BackupLifecycleAvailable)
	sameTrees(t, "backup "+backupID, treeOf(t, filepath.Join(n1.DataDir, "backups", backupID)), orig)

	// A restore, which both nodes' passes see too, puts the tree back once.
	if err := os.RemoveAll(filepath.Join(rootDir, "d07")); err != nil {
		t.Fatal(err)
	}
	if _, err := n2.FSx.RestoreVolumeFromSnapshot(ctx, &fsx.RestoreVolumeFromSnapshotInput{
		VolumeId: aws.String(rootVol), SnapshotId: aws.String(snaps[2])}); err != nil {
		t.Fatal(err)
	}
	waitRestored(t, n1.Env, rootVol)
	sameTrees(t, "volume restored from "+snaps[2], treeOf(t, rootDir), orig)
}
