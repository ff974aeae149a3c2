package e2e

import (
	"context"
	"fmt"
	"io/fs"
	"maps"
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

// treeOf reads a directory tree: relative path -> mode and content
// (directories and symlinks by mode and target), leaving out names in skip.
func treeOf(t *testing.T, dir string, skip ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if slices.Contains(skip, rel) {
			return filepath.SkipDir
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		entry := fi.Mode().String()
		switch {
		case fi.Mode().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			entry += " " + string(b)
		case fi.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			entry += " -> " + target
		}
		out[rel] = entry
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameTrees(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	if !maps.Equal(got, want) {
		var diff []string
		for k, v := range want {
			if got[k] != v {
				diff = append(diff, k)
			}
		}
		for k := range got {
			if _, ok := want[k]; !ok {
				diff = append(diff, "+"+k)
			}
		}
		slices.Sort(diff)
		t.Fatalf("%s: trees differ at %v", what, diff)
	}
}

// TestSnapshotCrashKill9: fsxd is killed at a random moment while it copies
// a snapshot or restores one; after each restart DescribeSnapshots agrees
// with the disk (every AVAILABLE snapshot's copy is whole, no hidden
// leftovers stay), and the snapshot or restore completes.
func TestSnapshotCrashKill9(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed))
	p := StartProcess(t, ProcessOptions{Name: "snapcrash", DataDir: t.TempDir(), Args: []string{"--lifecycle-delay", "100ms"}})
	ctx := context.Background()
	fsID, root := apOpenZFSFileSystem(t, p.Env, "SINGLE_AZ_HA_2")
	vol := apChildVolume(t, p.Env, root, "big")
	dir := filepath.Join(p.DataDir, "fs", fsID, "fsx", "big")
	for i := range 200 {
		sub := filepath.Join(dir, fmt.Sprintf("d%02d", i%10))
		os.MkdirAll(sub, 0o755)
		os.WriteFile(filepath.Join(sub, fmt.Sprintf("f%03d", i)), []byte(strings.Repeat(fmt.Sprint(i), 20000)), 0o644)
	}
	orig := treeOf(t, dir)
	var snaps []string
	for round := range 4 {
		out, err := p.FSx.CreateSnapshot(ctx, &fsx.CreateSnapshotInput{VolumeId: aws.String(vol), Name: aws.String(fmt.Sprint("s", round))})
		if err != nil {
			t.Fatal(err)
		}
		snaps = append(snaps, aws.ToString(out.Snapshot.SnapshotId))
		time.Sleep(time.Duration(rng.IntN(300)) * time.Millisecond)
		p.Kill()
		p.Restart()
		snapshotsAgreeWithDisk(t, p.Env, orig)
	}
	for _, id := range snaps {
		waitSnapshot(t, p.Env, id, types.SnapshotLifecycleAvailable)
	}
	snapshotsAgreeWithDisk(t, p.Env, orig)

	// Kill a restore midway: after the restart it completes.
	os.RemoveAll(filepath.Join(dir, "d03"))
	os.WriteFile(filepath.Join(dir, "extra"), []byte("x"), 0o644)
	if _, err := p.FSx.RestoreVolumeFromSnapshot(ctx, &fsx.RestoreVolumeFromSnapshotInput{
		VolumeId: aws.String(vol), SnapshotId: aws.String(snaps[0]),
		Options: []types.RestoreOpenZFSVolumeOption{types.RestoreOpenZFSVolumeOptionDeleteIntermediateSnapshots},
	}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Duration(rng.IntN(300)) * time.Millisecond)
	p.Kill()
	p.Restart()
	waitRestored(t, p.Env, vol)
	sameTrees(t, "volume after a restore cut by kill -9", treeOf(t, dir), orig)
}

// snapshotsAgreeWithDisk: the snapshot directory holds exactly the copies
// of AVAILABLE snapshots (and perhaps a finished copy of a CREATING one),
// each whole.
func snapshotsAgreeWithDisk(t *testing.T, e *Env, orig map[string]string) {
	t.Helper()
	out, err := e.FSx.DescribeSnapshots(context.Background(), &fsx.DescribeSnapshotsInput{})
	if err != nil {
		t.Fatal(err)
	}
	base := filepath.Join(e.DataDir, "snapshots")
	known, creating := map[string]bool{}, map[string]bool{}
	for _, s := range out.Snapshots {
		id := aws.ToString(s.SnapshotId)
		known[id], creating[id] = true, s.Lifecycle == types.SnapshotLifecycleCreating
		if s.Lifecycle == types.SnapshotLifecycleAvailable {
			sameTrees(t, "copy of AVAILABLE snapshot "+id, treeOf(t, filepath.Join(base, id)), orig)
		}
	}
	// A hidden copy in progress may exist only for a CREATING snapshot.
	ents, _ := os.ReadDir(base)
	for _, d := range ents {
		id, hidden := strings.CutPrefix(d.Name(), ".fsxd-tmp-copy-")
		if !known[id] || hidden && !creating[id] {
			t.Fatalf("snapshot directory %s: no record, or a partial copy of a finished snapshot", d.Name())
		}
	}
}
