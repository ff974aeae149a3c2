package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/fsx/types"
)

// TestMultiNodeAutomaticBackup: three nodes on one PostgreSQL database
// all run the automatic backup pass; a file system whose daily backup
// starts at the next minute gets exactly one AUTOMATIC backup for it.
// It waits for the real clock (up to about a minute).
func TestMultiNodeAutomaticBackup(t *testing.T) {
	c := startCluster(t, 3, "--lifecycle-delay", "1s", "--no-automatic-backups=false")
	n1, n2 := c.nodes[0], c.nodes[1]
	ctx := context.Background()
	start := time.Now().UTC().Add(time.Minute)
	out, err := n1.FSx.CreateFileSystem(ctx, &fsx.CreateFileSystemInput{
		FileSystemType: types.FileSystemTypeOpenzfs, StorageCapacity: aws.Int32(64), SubnetIds: []string{"subnet-0123456789abcdef0"},
		OpenZFSConfiguration: &types.CreateFileSystemOpenZFSConfiguration{
			DeploymentType: types.OpenZFSDeploymentTypeSingleAzHa2, ThroughputCapacity: aws.Int32(160),
			AutomaticBackupRetentionDays: aws.Int32(1), DailyAutomaticBackupStartTime: aws.String(start.Format("15:04")),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	fsID := aws.ToString(out.FileSystem.FileSystemId)
	automatic := func() []types.Backup { return automaticBackups(t, n2.Env, fsID) }
	Eventually(t, 2*time.Minute, "the AUTOMATIC backup AVAILABLE", func() bool {
		b := automatic()
		return len(b) > 0 && b[0].Lifecycle == types.BackupLifecycleAvailable
	})
	// Every node has run its pass since the due time (each runs one every
	// 200 ms): still one.
	time.Sleep(time.Second)
	if b := automatic(); len(b) != 1 {
		t.Fatalf("%d AUTOMATIC backups for one due time on three nodes: %+v", len(b), b)
	}
}
