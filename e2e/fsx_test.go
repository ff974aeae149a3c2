package e2e

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/fsx/types"
)

// The FSx control plane through the AWS SDK: both file system types, their
// volumes as real directories, tags, every not-found error, pagination,
// idempotency and restart.

func TestFSxOpenZFSLifecycle(t *testing.T) {
	env := Start(t)
	ctx := context.Background()
	fs := createOpenZFS(t, env, func(in *fsx.CreateFileSystemInput) {
		in.Tags = []types.Tag{{Key: aws.String("Name"), Value: aws.String("zfs")}}
	})
	if fs.Lifecycle != types.FileSystemLifecycleCreating || *fs.OwnerId != Account {
		t.Fatalf("created: %s owner %s", fs.Lifecycle, *fs.OwnerId)
	}
	id, root := *fs.FileSystemId, *fs.OpenZFSConfiguration.RootVolumeId
	waitFileSystem(t, env, id, types.FileSystemLifecycleAvailable)
	waitVolume(t, env, root, types.VolumeLifecycleAvailable)

	a := createChild(t, env, root, "a")
	waitVolume(t, env, a, types.VolumeLifecycleAvailable)
	b := createChild(t, env, a, "b")
	waitVolume(t, env, b, types.VolumeLifecycleAvailable)
	out, err := env.FSx.DescribeVolumes(ctx, &fsx.DescribeVolumesInput{VolumeIds: []string{b}})
	if err != nil || *out.Volumes[0].OpenZFSConfiguration.VolumePath != "/fsx/a/b" {
		t.Fatalf("DescribeVolumes: %v %+v", err, out)
	}
	dir := filepath.Join(env.DataDir, "fs", id, "fsx", "a", "b")
	if err := os.WriteFile(filepath.Join(dir, "hello.txt"), []byte("hi"), 0o644); err != nil {
		t.Fatalf("volume directory %s: %v", dir, err)
	}

	_, err = env.FSx.DeleteFileSystem(ctx, &fsx.DeleteFileSystemInput{FileSystemId: aws.String(id)})
	wantErr[*types.BadRequest](t, err)
	del, err := env.FSx.DeleteFileSystem(ctx, &fsx.DeleteFileSystemInput{FileSystemId: aws.String(id),
		OpenZFSConfiguration: &types.DeleteFileSystemOpenZFSConfiguration{
			Options: []types.DeleteFileSystemOpenZFSOption{types.DeleteFileSystemOpenZFSOptionDeleteChildVolumesAndSnapshots},
		}})
	if err != nil || del.Lifecycle != types.FileSystemLifecycleDeleting {
		t.Fatalf("DeleteFileSystem: %v %+v", err, del)
	}
	waitFileSystem(t, env, id, "GONE")
	if _, err := os.Stat(filepath.Join(env.DataDir, "fs", id)); !os.IsNotExist(err) {
		t.Errorf("file system directory still there: %v", err)
	}
}

func TestFSxONTAPLifecycle(t *testing.T) {
	env := Start(t)
	ctx := context.Background()
	fs := createONTAP(t, env)
	id := *fs.FileSystemId
	waitFileSystem(t, env, id, types.FileSystemLifecycleAvailable)
	svmOut, err := env.FSx.CreateStorageVirtualMachine(ctx, &fsx.CreateStorageVirtualMachineInput{
		FileSystemId: aws.String(id), Name: aws.String("svm1"),
	})
	if err != nil {
		t.Fatal(err)
	}
	svm := *svmOut.StorageVirtualMachine.StorageVirtualMachineId
	waitSVM(t, env, svm, types.StorageVirtualMachineLifecycleCreated)

	v1 := createOntapVolume(t, env, svm, "vol1", "/vol1")
	v2 := createOntapVolume(t, env, svm, "vol2", "/vol1/vol2")
	loose := createOntapVolume(t, env, svm, "loose", "")
	for _, v := range []string{v1, v2, loose} {
		waitVolume(t, env, v, types.VolumeLifecycleCreated)
	}
	nested := filepath.Join(env.DataDir, "fs", id, svm, "vol1", "vol2")
	if fi, err := os.Stat(nested); err != nil || !fi.IsDir() {
		t.Fatalf("junction directory %s: %v", nested, err)
	}
	vols, err := env.FSx.DescribeVolumes(ctx, &fsx.DescribeVolumesInput{Filters: []types.VolumeFilter{
		{Name: types.VolumeFilterNameStorageVirtualMachineId, Values: []string{svm}},
	}})
	if err != nil || len(vols.Volumes) != 4 { // three and the SVM root
		t.Fatalf("DescribeVolumes by SVM: %v, %d volumes", err, len(vols.Volumes))
	}

	_, err = env.FSx.DeleteStorageVirtualMachine(ctx, &fsx.DeleteStorageVirtualMachineInput{StorageVirtualMachineId: aws.String(svm)})
	wantErr[*types.BadRequest](t, err)
	_, err = env.FSx.DeleteVolume(ctx, &fsx.DeleteVolumeInput{VolumeId: aws.String(v1)})
	wantErr[*types.BadRequest](t, err) // vol2 is mounted below it
	for _, v := range []string{v2, loose, v1} {
		if _, err := env.FSx.DeleteVolume(ctx, &fsx.DeleteVolumeInput{VolumeId: aws.String(v)}); err != nil {
			t.Fatalf("DeleteVolume %s: %v", v, err)
		}
		waitVolume(t, env, v, "GONE")
	}
	if _, err := env.FSx.DeleteStorageVirtualMachine(ctx, &fsx.DeleteStorageVirtualMachineInput{StorageVirtualMachineId: aws.String(svm)}); err != nil {
		t.Fatal(err)
	}
	waitSVM(t, env, svm, "GONE")
	if _, err := env.FSx.DeleteFileSystem(ctx, &fsx.DeleteFileSystemInput{FileSystemId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	waitFileSystem(t, env, id, "GONE")
}

func TestFSxTags(t *testing.T) {
	env := Start(t)
	ctx := context.Background()
	fs := createOpenZFS(t, env)
	arn := fs.ResourceARN
	// Two keys as long as the model allows (128 characters): a NextToken
	// after one must still fit the 255 characters the paginator sends back.
	long1, long2 := "d"+strings.Repeat("é", 127), "e"+strings.Repeat("é", 127)
	_, err := env.FSx.TagResource(ctx, &fsx.TagResourceInput{ResourceARN: arn, Tags: []types.Tag{
		{Key: aws.String("a"), Value: aws.String("1")}, {Key: aws.String("b"), Value: aws.String("2")}, {Key: aws.String("c"), Value: aws.String("3")},
		{Key: aws.String(long1), Value: aws.String("4")}, {Key: aws.String(long2), Value: aws.String("5")},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.FSx.UntagResource(ctx, &fsx.UntagResourceInput{ResourceARN: arn, TagKeys: []string{"b"}}); err != nil {
		t.Fatal(err)
	}
	var keys []string
	p := fsx.NewListTagsForResourcePaginator(env.FSx, &fsx.ListTagsForResourceInput{ResourceARN: arn, MaxResults: aws.Int32(1)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, tag := range page.Tags {
			keys = append(keys, *tag.Key)
		}
	}
	if want := []string{"a", "c", long1, long2}; !slices.Equal(keys, want) {
		t.Fatalf("tags = %q, want %q", keys, want)
	}
}
