package e2e

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/fsx/types"

	"github.com/fsxd/fsxd/server"
)

// aheadClock is the server's clock, which a test moves forward (by
// minutes: the SDK still signs with the real time, and a signature holds
// for 15).
type aheadClock struct{ ahead atomic.Int64 }

func (c *aheadClock) Now() time.Time { return time.Now().Add(time.Duration(c.ahead.Load())) }

// automaticBackups lists fsID's AUTOMATIC backups, through the
// DescribeBackups filters.
func automaticBackups(t *testing.T, e *Env, fsID string) []types.Backup {
	t.Helper()
	out, err := e.FSx.DescribeBackups(context.Background(), &fsx.DescribeBackupsInput{Filters: []types.Filter{
		{Name: types.FilterNameBackupType, Values: []string{"AUTOMATIC"}}, {Name: types.FilterNameFileSystemId, Values: []string{fsID}}}})
	if err != nil {
		t.Fatal(err)
	}
	return out.Backups
}

// TestAutomaticBackupThroughServer: a file system whose daily backup
// starts two minutes from now gets none before, and an AUTOMATIC backup
// once the server's clock is past that time, listed by DescribeBackups'
// backup-type filter.
func TestAutomaticBackupThroughServer(t *testing.T) {
	clk := &aheadClock{}
	e := Start(t, AutomaticBackups, func(c *server.Config) { c.Now = clk.Now })
	ctx := context.Background()
	start := time.Now().UTC().Add(2 * time.Minute).Format("15:04")
	out, err := e.FSx.CreateFileSystem(ctx, &fsx.CreateFileSystemInput{
		FileSystemType: types.FileSystemTypeOpenzfs, StorageCapacity: aws.Int32(64), SubnetIds: []string{"subnet-0123456789abcdef0"},
		OpenZFSConfiguration: &types.CreateFileSystemOpenZFSConfiguration{
			DeploymentType: types.OpenZFSDeploymentTypeSingleAzHa2, ThroughputCapacity: aws.Int32(apThroughput["SINGLE_AZ_HA_2"]),
			AutomaticBackupRetentionDays: aws.Int32(1), DailyAutomaticBackupStartTime: aws.String(start),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	fsID := aws.ToString(out.FileSystem.FileSystemId)
	apWaitFS(t, e, fsID)
	automatic := func() []types.Backup { return automaticBackups(t, e, fsID) }
	// Several reconciler passes run before the due time: no backup.
	time.Sleep(300 * time.Millisecond)
	if b := automatic(); len(b) != 0 {
		t.Fatalf("automatic backups before %s: %+v", start, b)
	}

	clk.ahead.Store(int64(3 * time.Minute))
	var got []types.Backup
	Eventually(t, fsxWait, "an AVAILABLE AUTOMATIC backup", func() bool {
		got = automatic()
		return len(got) == 1 && got[0].Lifecycle == types.BackupLifecycleAvailable
	})
	if got[0].Type != types.BackupTypeAutomatic || aws.ToString(got[0].FileSystem.FileSystemId) != fsID || got[0].ResourceType != types.ResourceTypeFileSystem {
		t.Errorf("automatic backup %+v", got[0])
	}
	user, err := e.FSx.DescribeBackups(ctx, &fsx.DescribeBackupsInput{Filters: []types.Filter{{Name: types.FilterNameBackupType, Values: []string{"USER_INITIATED"}}}})
	if err != nil || len(user.Backups) != 0 {
		t.Errorf("USER_INITIATED backups: %+v, %v", user, err)
	}
}
