package e2e

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/fsx/types"
)

// takeoverWait bounds a copy of the test's tree made again from the start
// on a loaded machine.
const takeoverWait = 60 * time.Second

// TestMultiNodeCopyTakeover: the node that holds a copy's claim
// (fsxapi/joblock.go) is killed (kill -9) mid-copy, first of a snapshot,
// then of a restore, then a deleted volume's removal. The other node takes the copy over at its next pass:
// the snapshot comes up AVAILABLE and whole, the volume is restored
// whole, the deleted volume goes with its tree, and neither hidden
// copies nor claims are left behind.
func TestMultiNodeCopyTakeover(t *testing.T) {
	c := startCluster(t, 2, "--lifecycle-delay", "200ms")
	ctx := context.Background()
	data := c.nodes[0].DataDir
	fsID, rootVol := apOpenZFSFileSystem(t, c.nodes[0].Env, "SINGLE_AZ_HA_2")
	rootDir := filepath.Join(data, "fs", fsID, "fsx")
	fillTree(t, rootDir, 20000) // a copy takes seconds: the kill lands mid-way
	orig := treeOf(t, rootDir)

	id := aws.ToString(createSnapshot(t, c.nodes[0].Env, rootVol, "takeover").SnapshotId)
	snapDir := filepath.Join(data, "snapshots", id)
	survivor := killClaimHolder(t, c.nodes, filepath.Join(data, ".fsxd-jobs", id+".lock"), func() bool { return !isDirAt(snapDir) })
	Eventually(t, takeoverWait, "snapshot "+id+" AVAILABLE on the survivor", func() bool {
		s := describeSnapshot(t, survivor.Env, id)
		return s != nil && s.Lifecycle == types.SnapshotLifecycleAvailable
	})
	sameTrees(t, "snapshot "+id, treeOf(t, snapDir), orig)
	noLeftovers(t, filepath.Join(data, "snapshots"), filepath.Join(data, ".fsxd-jobs"))

	// The killed node back, then a restore whose holder is killed.
	restartKilled(c.nodes)
	if err := os.RemoveAll(filepath.Join(rootDir, "d042")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(rootDir, "added"), []byte("after the snapshot"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := c.nodes[1].FSx.RestoreVolumeFromSnapshot(ctx, &fsx.RestoreVolumeFromSnapshotInput{
		VolumeId: aws.String(rootVol), SnapshotId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	survivor = killClaimHolder(t, c.nodes, filepath.Join(data, ".fsxd-jobs", "restore-"+rootVol+".lock"), func() bool { return true })
	Eventually(t, takeoverWait, "restore of "+rootVol+" on the survivor", func() bool {
		out, err := survivor.FSx.DescribeVolumes(ctx, &fsx.DescribeVolumesInput{VolumeIds: []string{rootVol}})
		if err != nil {
			t.Fatal(err)
		}
		return len(out.Volumes[0].AdministrativeActions) == 0
	})
	sameTrees(t, "volume restored from "+id, treeOf(t, rootDir), orig)
	noLeftovers(t, rootDir, filepath.Join(data, ".fsxd-jobs"))

	// A deleted volume whose remover is killed mid-removal.
	restartKilled(c.nodes)
	vol := apChildVolume(t, survivor.Env, rootVol, "doomed")
	volDir := filepath.Join(rootDir, "doomed")
	fillTree(t, volDir, 20000)
	if _, err := survivor.FSx.DeleteVolume(ctx, &fsx.DeleteVolumeInput{VolumeId: aws.String(vol)}); err != nil {
		t.Fatal(err)
	}
	survivor = killClaimHolder(t, c.nodes, filepath.Join(data, ".fsxd-jobs", "delete-"+vol+".lock"), func() bool { return isDirAt(volDir) })
	Eventually(t, takeoverWait, "volume "+vol+" gone on the survivor", func() bool {
		_, err := survivor.FSx.DescribeVolumes(ctx, &fsx.DescribeVolumesInput{VolumeIds: []string{vol}})
		var nf *types.VolumeNotFound
		return errors.As(err, &nf)
	})
	if isDirAt(volDir) {
		t.Errorf("volume %s gone, its directory left", vol)
	}
	noLeftovers(t, rootDir, filepath.Join(data, ".fsxd-jobs"))
}

func restartKilled(nodes []*Process) {
	for _, n := range nodes {
		if n.Exited() {
			n.Restart()
		}
	}
}

// fillTree writes n small files into 100 directories below dir.
func fillTree(t *testing.T, dir string, n int) {
	t.Helper()
	for i := range n {
		d := filepath.Join(dir, fmt.Sprintf("d%03d", i%100))
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, fmt.Sprintf("f%d", i)), []byte(fmt.Sprintf("file %d", i)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// killClaimHolder waits until a node holds the claim file (an flock seen
// in /proc/locks) while mid (the copy is still under way), kills that
// node with SIGKILL and returns another.
func killClaimHolder(t *testing.T, nodes []*Process, claim string, mid func() bool) (survivor *Process) {
	t.Helper()
	var holder *Process
	Eventually(t, takeoverWait, "a node holds "+filepath.Base(claim), func() bool {
		holder = flockHolder(claim, nodes)
		return holder != nil
	})
	if !mid() {
		t.Fatalf("the copy ended before %s was killed: make the tree larger", holder.Opts.Name)
	}
	holder.Kill()
	t.Logf("killed %s, holder of %s", holder.Opts.Name, filepath.Base(claim))
	for _, n := range nodes {
		if n != holder {
			return n
		}
	}
	t.Fatal("no node left")
	return nil
}

// flockHolder is the node holding an flock on path, nil if none does.
func flockHolder(path string, nodes []*Process) *Process {
	var st syscall.Stat_t
	if syscall.Stat(path, &st) != nil {
		return nil
	}
	f, err := os.Open("/proc/locks")
	if err != nil {
		return nil
	}
	defer f.Close()
	// "1: FLOCK  ADVISORY  WRITE 14823 fe:00:10182821 0 EOF"
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 || fields[1] != "FLOCK" || !strings.HasSuffix(fields[5], ":"+strconv.FormatUint(st.Ino, 10)) {
			continue
		}
		for _, n := range nodes {
			if !n.Exited() && strconv.Itoa(n.cmd.Process.Pid) == fields[4] {
				return n
			}
		}
	}
	return nil
}

// noLeftovers fails the test if dir holds a hidden copy or claims holds a
// claim file.
func noLeftovers(t *testing.T, dir, claims string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".fsxd-tmp-") {
			t.Errorf("%s left in %s", e.Name(), dir)
		}
	}
	if ents, _ := os.ReadDir(claims); len(ents) != 0 {
		t.Errorf("claims left: %v", ents)
	}
}

func isDirAt(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}
