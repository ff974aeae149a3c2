package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/fsx/types"
)

// TestBackupCrashKill9: fsxd is killed at a random moment while it copies
// a backup of a file system with many files, and while it restores one
// into a new file system. After each restart no AVAILABLE backup lacks
// any of its data, the interrupted backup completes (it stays CREATING
// until then), and in the end the backup directory holds exactly the
// copies of the backups on record; the restored file system holds the
// backed-up tree.
func TestBackupCrashKill9(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed))
	p := StartProcess(t, ProcessOptions{Name: "backupcrash", DataDir: t.TempDir(), Args: []string{"--lifecycle-delay", "100ms"}})
	ctx := context.Background()
	fsID, root := apOpenZFSFileSystem(t, p.Env, "SINGLE_AZ_HA_2")
	apChildVolume(t, p.Env, root, "big")
	rootDir := filepath.Join(p.DataDir, "fs", fsID, "fsx")
	for i := range 500 {
		sub := filepath.Join(rootDir, "big", fmt.Sprintf("d%02d", i%10))
		os.MkdirAll(sub, 0o755)
		os.WriteFile(filepath.Join(sub, fmt.Sprintf("f%03d", i)), []byte(strings.Repeat(fmt.Sprint(i), 20000)), 0o644)
	}
	orig := treeOf(t, rootDir)
	var ids []string
	for range 3 {
		out, err := p.FSx.CreateBackup(ctx, &fsx.CreateBackupInput{FileSystemId: aws.String(fsID)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, aws.ToString(out.Backup.BackupId))
		killMidCopy(t, p, rng, ids[len(ids)-1], filepath.Join(p.DataDir, "backups"))
		p.Restart()
		availableBackupsWhole(t, p.Env, orig)
		waitBackup(t, p.Env, ids[len(ids)-1], types.BackupLifecycleAvailable) // the next CreateBackup needs it done
	}
	availableBackupsWhole(t, p.Env, orig)

	// Kill a restore midway: after the restart the file system completes
	// with the backed-up tree.
	out, err := p.FSx.CreateFileSystemFromBackup(ctx, &fsx.CreateFileSystemFromBackupInput{
		BackupId: aws.String(ids[0]), SubnetIds: []string{"subnet-0123456789abcdef0"},
		OpenZFSConfiguration: &types.CreateFileSystemOpenZFSConfiguration{DeploymentType: types.OpenZFSDeploymentTypeSingleAzHa2, ThroughputCapacity: aws.Int32(320)},
	})
	if err != nil {
		t.Fatal(err)
	}
	fs2 := aws.ToString(out.FileSystem.FileSystemId)
	killMidCopy(t, p, rng, "restore of "+fs2, filepath.Join(p.DataDir, "fs", fs2))
	p.Restart()
	waitFileSystem(t, p.Env, fs2, types.FileSystemLifecycleAvailable)
	sameTrees(t, "file system restored from a backup, cut by kill -9", treeOf(t, filepath.Join(p.DataDir, "fs", fs2, "fsx")), orig)
	backupDirMatchesRecords(t, p.Env, ids)
	for _, n := range dirNames(t, filepath.Join(p.DataDir, "fs", fs2)) {
		if strings.HasPrefix(n, ".fsxd-tmp-") {
			t.Errorf("restored file system's directory holds the leftover %s", n)
		}
	}
}

// availableBackupsWhole: every AVAILABLE backup's copy is the whole tree.
func availableBackupsWhole(t *testing.T, e *Env, orig map[string]string) {
	t.Helper()
	out, err := e.FSx.DescribeBackups(context.Background(), &fsx.DescribeBackupsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range out.Backups {
		if b.Lifecycle == types.BackupLifecycleAvailable {
			id := aws.ToString(b.BackupId)
			sameTrees(t, "copy of AVAILABLE backup "+id, treeOf(t, filepath.Join(e.DataDir, "backups", id)), orig)
		}
	}
}

// backupDirMatchesRecords: the backup directory holds one copy per
// backup on record, and nothing else (no hidden leftovers).
func backupDirMatchesRecords(t *testing.T, e *Env, ids []string) {
	t.Helper()
	if names, want := dirNames(t, filepath.Join(e.DataDir, "backups")), slices.Sorted(slices.Values(ids)); !slices.Equal(names, want) {
		t.Errorf("backup directory holds %q, want the copies of %q", names, want)
	}
}

// dirNames lists dir's entries, sorted (none if it does not exist).
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, d := range ents {
		names = append(names, d.Name())
	}
	return names
}

// killMidCopy kills p while a copy is being made in dir (a hidden copy
// there), after a random few more milliseconds; if none is seen within
// a second (the copy was quicker than the polling) it kills p anyway and
// says so, so a run shows what it tested.
func killMidCopy(t *testing.T, p *Process, rng *rand.Rand, what, dir string) {
	t.Helper()
	deadline := time.Now().Add(time.Second)
	for time.Now().Before(deadline) {
		if slices.ContainsFunc(dirNames(t, dir), func(n string) bool { return strings.HasPrefix(n, ".fsxd-tmp-copy-") }) {
			time.Sleep(time.Duration(rng.IntN(20)) * time.Millisecond)
			p.Kill()
			t.Logf("%s: killed mid-copy", what)
			return
		}
		time.Sleep(time.Millisecond)
	}
	p.Kill()
	t.Logf("%s: no copy in progress seen; killed after it", what)
}
