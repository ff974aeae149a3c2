package e2e

//lint:file-ignore SA1019 SizeInMegabytes is what older clients and the README walkthrough send; fsxd must accept it

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/fsx/types"
)

// Helpers for the FSx control plane tests: create resources the way a
// user would and wait for them the way a user would (polling Describe).

const fsxWait = 10 * time.Second

func createOpenZFS(t *testing.T, env *Env, mods ...func(*fsx.CreateFileSystemInput)) *types.FileSystem {
	t.Helper()
	in := &fsx.CreateFileSystemInput{
		FileSystemType:  types.FileSystemTypeOpenzfs,
		StorageCapacity: aws.Int32(64),
		SubnetIds:       []string{"subnet-0123456789abcdef0"},
		OpenZFSConfiguration: &types.CreateFileSystemOpenZFSConfiguration{
			DeploymentType:     types.OpenZFSDeploymentTypeSingleAzHa2,
			ThroughputCapacity: aws.Int32(160),
		},
	}
	for _, m := range mods {
		m(in)
	}
	out, err := env.FSx.CreateFileSystem(context.Background(), in)
	if err != nil {
		t.Fatalf("CreateFileSystem: %v", err)
	}
	return out.FileSystem
}

func createONTAP(t *testing.T, env *Env) *types.FileSystem {
	t.Helper()
	out, err := env.FSx.CreateFileSystem(context.Background(), &fsx.CreateFileSystemInput{
		FileSystemType:  types.FileSystemTypeOntap,
		StorageCapacity: aws.Int32(1024),
		SubnetIds:       []string{"subnet-0123456789abcdef0"},
		OntapConfiguration: &types.CreateFileSystemOntapConfiguration{
			DeploymentType:     types.OntapDeploymentTypeSingleAz1,
			ThroughputCapacity: aws.Int32(128),
		},
	})
	if err != nil {
		t.Fatalf("CreateFileSystem ONTAP: %v", err)
	}
	return out.FileSystem
}

func fileSystemLifecycle(t *testing.T, env *Env, id string) types.FileSystemLifecycle {
	t.Helper()
	out, err := env.FSx.DescribeFileSystems(context.Background(), &fsx.DescribeFileSystemsInput{FileSystemIds: []string{id}})
	var nf *types.FileSystemNotFound
	if errors.As(err, &nf) {
		return "GONE"
	}
	if err != nil {
		t.Fatalf("DescribeFileSystems: %v", err)
	}
	return out.FileSystems[0].Lifecycle
}

func waitFileSystem(t *testing.T, env *Env, id string, want types.FileSystemLifecycle) {
	t.Helper()
	Eventually(t, fsxWait, "file system "+id+" "+string(want), func() bool { return fileSystemLifecycle(t, env, id) == want })
}

func volumeLifecycle(t *testing.T, env *Env, id string) types.VolumeLifecycle {
	t.Helper()
	out, err := env.FSx.DescribeVolumes(context.Background(), &fsx.DescribeVolumesInput{VolumeIds: []string{id}})
	var nf *types.VolumeNotFound
	if errors.As(err, &nf) {
		return "GONE"
	}
	if err != nil {
		t.Fatalf("DescribeVolumes: %v", err)
	}
	return out.Volumes[0].Lifecycle
}

func waitVolume(t *testing.T, env *Env, id string, want types.VolumeLifecycle) {
	t.Helper()
	Eventually(t, fsxWait, "volume "+id+" "+string(want), func() bool { return volumeLifecycle(t, env, id) == want })
}

func waitSVM(t *testing.T, env *Env, id string, want types.StorageVirtualMachineLifecycle) {
	t.Helper()
	Eventually(t, fsxWait, "svm "+id+" "+string(want), func() bool {
		out, err := env.FSx.DescribeStorageVirtualMachines(context.Background(), &fsx.DescribeStorageVirtualMachinesInput{StorageVirtualMachineIds: []string{id}})
		var nf *types.StorageVirtualMachineNotFound
		if errors.As(err, &nf) {
			return want == "GONE"
		}
		if err != nil {
			t.Fatalf("DescribeStorageVirtualMachines: %v", err)
		}
		return out.StorageVirtualMachines[0].Lifecycle == want
	})
}

func createChild(t *testing.T, env *Env, parent, name string) string {
	t.Helper()
	out, err := env.FSx.CreateVolume(context.Background(), &fsx.CreateVolumeInput{
		VolumeType: types.VolumeTypeOpenzfs, Name: aws.String(name),
		OpenZFSConfiguration: &types.CreateOpenZFSVolumeConfiguration{ParentVolumeId: aws.String(parent)},
	})
	if err != nil {
		t.Fatalf("CreateVolume %s: %v", name, err)
	}
	return *out.Volume.VolumeId
}

func createOntapVolume(t *testing.T, env *Env, svm, name, junction string) string {
	t.Helper()
	cfg := &types.CreateOntapVolumeConfiguration{
		StorageVirtualMachineId: aws.String(svm), SizeInMegabytes: aws.Int32(1024), StorageEfficiencyEnabled: aws.Bool(true),
	}
	if junction != "" {
		cfg.JunctionPath = aws.String(junction)
	}
	out, err := env.FSx.CreateVolume(context.Background(), &fsx.CreateVolumeInput{
		VolumeType: types.VolumeTypeOntap, Name: aws.String(name), OntapConfiguration: cfg,
	})
	if err != nil {
		t.Fatalf("CreateVolume %s: %v", name, err)
	}
	return *out.Volume.VolumeId
}

// wantErr checks that err is the modelled error type E.
func wantErr[E error](t *testing.T, err error) E {
	t.Helper()
	var e E
	if !errors.As(err, &e) {
		t.Fatalf("got %v (%T), want %T", err, err, e)
	}
	return e
}
