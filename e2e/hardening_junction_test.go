package e2e

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/fsx/types"
)

// TestJunctionSymlinkConfined: an ONTAP junction path runs through other
// volumes, where NFS and host users can turn a directory into a symlink.
// fsxd makes, moves and removes volume directories as root, so none of
// that may follow such a symlink out of the data dir: a junction through
// one is refused, and a volume whose path was swapped for one after it
// was made is deleted without touching what the symlink points at.
func TestJunctionSymlinkConfined(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	fsID, svmID := idSVM(t, e)
	idOntapVolume(t, e, svmID, "vol1", "/vol1", types.SecurityStyleUnix)
	vol1Dir := filepath.Join(e.DataDir, "fs", fsID, svmID, "vol1")
	outside := t.TempDir()
	precious := filepath.Join(outside, "vol3", "precious")
	if err := os.MkdirAll(filepath.Dir(precious), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(precious, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(vol1Dir, "link")); err != nil {
		t.Fatal(err)
	}

	// A junction through the symlink is refused, and nothing is made there.
	_, err := e.FSx.CreateVolume(ctx, &fsx.CreateVolumeInput{VolumeType: types.VolumeTypeOntap, Name: aws.String("vol2"),
		OntapConfiguration: &types.CreateOntapVolumeConfiguration{StorageVirtualMachineId: aws.String(svmID),
			JunctionPath: aws.String("/vol1/link/pwn"), SizeInBytes: aws.Int64(1 << 30), StorageEfficiencyEnabled: aws.Bool(true)}})
	wantErr[*types.BadRequest](t, err)
	if _, err := os.Lstat(filepath.Join(outside, "pwn")); !os.IsNotExist(err) {
		t.Errorf("a directory was made through the symlink: %v", err)
	}

	// A volume below a plain directory, which is then swapped for a
	// symlink to a tree holding the volume's name.
	if err := os.Mkdir(filepath.Join(vol1Dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	vol3 := idOntapVolume(t, e, svmID, "vol3", "/vol1/sub/vol3", types.SecurityStyleUnix)
	_, err = e.FSx.UpdateVolume(ctx, &fsx.UpdateVolumeInput{VolumeId: aws.String(vol3),
		OntapConfiguration: &types.UpdateOntapVolumeConfiguration{JunctionPath: aws.String("/vol1/link/moved")}})
	wantErr[*types.BadRequest](t, err)
	if err := os.Rename(filepath.Join(vol1Dir, "sub"), filepath.Join(vol1Dir, "sub.real")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(vol1Dir, "sub")); err != nil {
		t.Fatal(err)
	}
	if _, err := e.FSx.DeleteVolume(ctx, &fsx.DeleteVolumeInput{VolumeId: aws.String(vol3),
		OntapConfiguration: &types.DeleteVolumeOntapConfiguration{SkipFinalBackup: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	waitVolume(t, e, vol3, "GONE")
	if b, err := os.ReadFile(precious); err != nil || string(b) != "keep" {
		t.Errorf("the symlink's target was removed: %q, %v", b, err)
	}
	if _, err := os.Stat(filepath.Join(vol1Dir, "sub.real", "vol3")); err != nil {
		t.Errorf("the volume's own tree, moved away by hand, is left alone: %v", err)
	}
}
