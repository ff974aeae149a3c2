package e2e

//lint:file-ignore SA1019 SizeInMegabytes is what older clients and the README walkthrough send; fsxd must accept it

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/fsx/types"
)

func TestFSxNotFound(t *testing.T) {
	env := Start(t)
	ctx := context.Background()
	const fsID, volID, svmID = "fs-0123456789abcdef0", "fsvol-0123456789abcdef0", "svm-0123456789abcdef0"

	_, err := env.FSx.DescribeFileSystems(ctx, &fsx.DescribeFileSystemsInput{FileSystemIds: []string{fsID}})
	wantErr[*types.FileSystemNotFound](t, err)
	_, err = env.FSx.DeleteFileSystem(ctx, &fsx.DeleteFileSystemInput{FileSystemId: aws.String(fsID)})
	wantErr[*types.FileSystemNotFound](t, err)
	_, err = env.FSx.UpdateFileSystem(ctx, &fsx.UpdateFileSystemInput{FileSystemId: aws.String(fsID)})
	wantErr[*types.FileSystemNotFound](t, err)
	_, err = env.FSx.CreateStorageVirtualMachine(ctx, &fsx.CreateStorageVirtualMachineInput{FileSystemId: aws.String(fsID), Name: aws.String("svm")})
	wantErr[*types.FileSystemNotFound](t, err)

	_, err = env.FSx.DescribeVolumes(ctx, &fsx.DescribeVolumesInput{VolumeIds: []string{volID}})
	wantErr[*types.VolumeNotFound](t, err)
	_, err = env.FSx.DeleteVolume(ctx, &fsx.DeleteVolumeInput{VolumeId: aws.String(volID)})
	wantErr[*types.VolumeNotFound](t, err)
	_, err = env.FSx.UpdateVolume(ctx, &fsx.UpdateVolumeInput{VolumeId: aws.String(volID), Name: aws.String("x")})
	wantErr[*types.VolumeNotFound](t, err)
	_, err = env.FSx.CreateVolume(ctx, &fsx.CreateVolumeInput{VolumeType: types.VolumeTypeOpenzfs, Name: aws.String("x"),
		OpenZFSConfiguration: &types.CreateOpenZFSVolumeConfiguration{ParentVolumeId: aws.String(volID)}})
	wantErr[*types.VolumeNotFound](t, err)

	_, err = env.FSx.DescribeStorageVirtualMachines(ctx, &fsx.DescribeStorageVirtualMachinesInput{StorageVirtualMachineIds: []string{svmID}})
	wantErr[*types.StorageVirtualMachineNotFound](t, err)
	_, err = env.FSx.DeleteStorageVirtualMachine(ctx, &fsx.DeleteStorageVirtualMachineInput{StorageVirtualMachineId: aws.String(svmID)})
	wantErr[*types.StorageVirtualMachineNotFound](t, err)
	_, err = env.FSx.UpdateStorageVirtualMachine(ctx, &fsx.UpdateStorageVirtualMachineInput{StorageVirtualMachineId: aws.String(svmID)})
	wantErr[*types.StorageVirtualMachineNotFound](t, err)
	_, err = env.FSx.CreateVolume(ctx, &fsx.CreateVolumeInput{VolumeType: types.VolumeTypeOntap, Name: aws.String("x"),
		OntapConfiguration: &types.CreateOntapVolumeConfiguration{StorageVirtualMachineId: aws.String(svmID), SizeInMegabytes: aws.Int32(64), StorageEfficiencyEnabled: aws.Bool(true)}})
	wantErr[*types.StorageVirtualMachineNotFound](t, err)

	_, err = env.FSx.ListTagsForResource(ctx, &fsx.ListTagsForResourceInput{ResourceARN: aws.String("arn:aws:fsx:us-east-1:" + Account + ":file-system/" + fsID)})
	wantErr[*types.ResourceNotFound](t, err)
	_, err = env.FSx.TagResource(ctx, &fsx.TagResourceInput{ResourceARN: aws.String("arn:aws:s3:us-east-1:" + Account + ":accesspoint/ap"),
		Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	wantErr[*types.NotServiceResourceError](t, err)
	_, err = env.FSx.DescribeFileSystems(ctx, &fsx.DescribeFileSystemsInput{NextToken: aws.String("dGFtcGVyZWQ=")})
	wantErr[*types.BadRequest](t, err)
}

// TestFSxIdempotency: the same ClientRequestToken with the same parameters
// returns the first result; with other parameters, IncompatibleParameterError.
func TestFSxIdempotency(t *testing.T) {
	env := Start(t)
	ctx := context.Background()
	first := createOpenZFS(t, env, func(in *fsx.CreateFileSystemInput) { in.ClientRequestToken = aws.String("token-1") })
	again := createOpenZFS(t, env, func(in *fsx.CreateFileSystemInput) { in.ClientRequestToken = aws.String("token-1") })
	if *first.FileSystemId != *again.FileSystemId {
		t.Fatalf("same token made %s and %s", *first.FileSystemId, *again.FileSystemId)
	}
	_, err := env.FSx.CreateFileSystem(ctx, &fsx.CreateFileSystemInput{
		ClientRequestToken: aws.String("token-1"), FileSystemType: types.FileSystemTypeOpenzfs,
		StorageCapacity: aws.Int32(128), SubnetIds: []string{"subnet-0123456789abcdef0"},
		OpenZFSConfiguration: &types.CreateFileSystemOpenZFSConfiguration{
			DeploymentType: types.OpenZFSDeploymentTypeSingleAzHa2, ThroughputCapacity: aws.Int32(160),
		},
	})
	if e := wantErr[*types.IncompatibleParameterError](t, err); aws.ToString(e.Parameter) != "StorageCapacity" {
		t.Fatalf("Parameter = %q, want StorageCapacity", aws.ToString(e.Parameter))
	}
	all, err := env.FSx.DescribeFileSystems(ctx, &fsx.DescribeFileSystemsInput{})
	if err != nil || len(all.FileSystems) != 1 {
		t.Fatalf("want exactly one file system: %v %d", err, len(all.FileSystems))
	}
}

// TestFSxPaginationAndRestart: the SDK paginators walk every page, and
// everything (records, lifecycles in progress, tokens) survives a restart.
func TestFSxPaginationAndRestart(t *testing.T) {
	env := Start(t)
	ctx := context.Background()
	var ids []string
	for range 5 {
		ids = append(ids, *createOpenZFS(t, env).FileSystemId)
	}
	count := func() (n, pages int) {
		p := fsx.NewDescribeFileSystemsPaginator(env.FSx, &fsx.DescribeFileSystemsInput{MaxResults: aws.Int32(2)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			n, pages = n+len(page.FileSystems), pages+1
		}
		return n, pages
	}
	if n, pages := count(); n != 5 || pages != 3 {
		t.Fatalf("paginated %d file systems in %d pages, want 5 in 3", n, pages)
	}
	vp := fsx.NewDescribeVolumesPaginator(env.FSx, &fsx.DescribeVolumesInput{MaxResults: aws.Int32(4)})
	nv := 0
	for vp.HasMorePages() {
		page, err := vp.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		nv += len(page.Volumes)
	}
	if nv != 5 {
		t.Fatalf("paginated %d root volumes, want 5", nv)
	}

	env.Restart()
	if n, _ := count(); n != 5 {
		t.Fatalf("after restart: %d file systems", n)
	}
	for _, id := range ids {
		waitFileSystem(t, env, id, types.FileSystemLifecycleAvailable)
	}
	again := createOpenZFS(t, env, func(in *fsx.CreateFileSystemInput) { in.ClientRequestToken = aws.String("after-restart") })
	env.Restart()
	replay := createOpenZFS(t, env, func(in *fsx.CreateFileSystemInput) { in.ClientRequestToken = aws.String("after-restart") })
	if *again.FileSystemId != *replay.FileSystemId {
		t.Fatal("idempotency token lost across restart")
	}
}

// TestFSxNoTarget: a POST to / signed for fsx but naming no operation is
// answered by the FSx JSON front end, not as an S3 ListBuckets.
func TestFSxNoTarget(t *testing.T) {
	env := Start(t)
	req, err := http.NewRequest(http.MethodPost, env.URL+"/", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	signRaw(t, env, req, []byte("{}"), "fsx", Region)
	r := do(t, req)
	if r.status != 400 || !strings.Contains(r.body, `"__type":"UnknownOperationException"`) {
		t.Errorf("no X-Amz-Target: %d %s", r.status, r.body)
	}
}

// TestFSxNotOffered: operations of FSx's model for features fsxd does not
// serve (Lustre, file caches, Windows aliases) answer the modelled
// BadRequest, after the caller's permission is checked; a name outside
// the model is an UnknownOperationException.
func TestFSxNotOffered(t *testing.T) {
	env := Start(t)
	ctx := context.Background()
	_, err := env.FSx.DescribeFileCaches(ctx, &fsx.DescribeFileCachesInput{})
	wantErr[*types.BadRequest](t, err)
	_, err = env.FSx.DescribeDataRepositoryAssociations(ctx, &fsx.DescribeDataRepositoryAssociationsInput{})
	wantErr[*types.BadRequest](t, err)
	_, err = env.FSx.DescribeFileSystemAliases(ctx, &fsx.DescribeFileSystemAliasesInput{FileSystemId: aws.String("fs-0123456789abcdef0")})
	wantErr[*types.BadRequest](t, err)

	key, secret := policyUser(t, env, "no-caches", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"fsx:DescribeVolumes","Resource":"*"}]}`)
	user := fsx.New(fsx.Options{}, env.fsxOpts, func(o *fsx.Options) { o.Credentials = credentials.NewStaticCredentialsProvider(key, secret, "") })
	_, err = user.DescribeFileCaches(ctx, &fsx.DescribeFileCachesInput{})
	if hardCode(err) != "AccessDeniedException" {
		t.Errorf("DescribeFileCaches without the permission: %v", err)
	}

	req, _ := http.NewRequest(http.MethodPost, env.URL+"/", strings.NewReader("{}"))
	req.Header.Set("X-Amz-Target", "AWSSimbaAPIService_v20180301.DescribeNothing")
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	signRaw(t, env, req, []byte("{}"), "fsx", Region)
	if r := do(t, req); r.status != 400 || !strings.Contains(r.body, `"__type":"UnknownOperationException"`) {
		t.Errorf("unknown operation: %d %s", r.status, r.body)
	}
}
