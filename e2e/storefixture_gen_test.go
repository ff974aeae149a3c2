//go:build fixturegen

package e2e

// TestGenerateStoreFixture wrote store/storetest/testdata/v1.db: the store
// as fsxd left it when the persisted record format was first pinned (schema
// version 1). It is kept to show how the fixture was made, not to be rerun
// on newer code (that would make a newer fixture, not a version-1 one):
//
//	FSXD_FIXTURE_OUT=/tmp/fx go test -tags fixturegen ./e2e -run TestGenerateStoreFixture
//
// It drives a real server with the SDKs: OpenZFS and ONTAP file systems, an
// SVM, volumes, attachments (one with a policy, one mid-CREATING, one
// mid-DELETING), tags, idempotency tokens and IAM principals.

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/fsx/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func TestGenerateStoreFixture(t *testing.T) {
	out := os.Getenv("FSXD_FIXTURE_OUT")
	if out == "" {
		t.Fatal("set FSXD_FIXTURE_OUT to the output directory")
	}
	e := Start(t)
	ctx := context.Background()
	fs, err := e.FSx.CreateFileSystem(ctx, &fsx.CreateFileSystemInput{
		ClientRequestToken: aws.String("fixture-fs-token"),
		FileSystemType:     types.FileSystemTypeOpenzfs, StorageCapacity: aws.Int32(64), SubnetIds: []string{"subnet-0123456789abcdef0"},
		OpenZFSConfiguration: &types.CreateFileSystemOpenZFSConfiguration{
			DeploymentType: types.OpenZFSDeploymentTypeSingleAzHa2, ThroughputCapacity: aws.Int32(160),
		},
		Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String("fixture-zfs")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	fsID := aws.ToString(fs.FileSystem.FileSystemId)
	apWaitFS(t, e, fsID)
	root := aws.ToString(fs.FileSystem.OpenZFSConfiguration.RootVolumeId)
	vol, err := e.FSx.CreateVolume(ctx, &fsx.CreateVolumeInput{
		ClientRequestToken: aws.String("fixture-vol-token"),
		VolumeType:         types.VolumeTypeOpenzfs, Name: aws.String("projects"),
		OpenZFSConfiguration: &types.CreateOpenZFSVolumeConfiguration{
			ParentVolumeId: aws.String(root), StorageCapacityQuotaGiB: aws.Int32(10),
		},
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("data")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	volID := aws.ToString(vol.Volume.VolumeId)
	apWaitVolume(t, e, volID)
	svmID, ontapVol := apONTAP(t, e)

	ap := withToken(apPosix("fixture-ap", volID, 1001), "fixture-ap-token")
	ap.S3AccessPoint = &types.CreateAndAttachS3AccessPointS3Configuration{Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:us-east-1:123456789012:accesspoint/fixture-ap/object/*"}]}`)}
	if _, err := e.FSx.CreateAndAttachS3AccessPoint(ctx, ap); err != nil {
		t.Fatal(err)
	}
	if _, err := e.FSx.CreateAndAttachS3AccessPoint(ctx, apOntap("fixture-ontap", ontapVol, "UNIX", "nobody-here")); err != nil {
		t.Fatal(err)
	}
	if _, err := e.FSx.CreateAndAttachS3AccessPoint(ctx, apPosix("fixture-deleting", volID, 1002)); err != nil {
		t.Fatal(err)
	}
	apWaitState(t, e, "fixture-ap", "AVAILABLE")
	apWaitState(t, e, "fixture-ontap", "FAILED")
	apWaitState(t, e, "fixture-deleting", "AVAILABLE")

	iamFixture(t, e)

	// Leave one attachment CREATING and one DELETING: their pending records
	// are part of the schema too.
	e.cfg.LifecycleDelay = time.Hour
	e.Restart()
	if _, err := e.FSx.CreateAndAttachS3AccessPoint(ctx, apPosix("fixture-creating", root, 1003)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.FSx.DetachAndDeleteS3AccessPoint(ctx, &fsx.DetachAndDeleteS3AccessPointInput{Name: aws.String("fixture-deleting")}); err != nil {
		t.Fatal(err)
	}
	e.Stop()
	os.MkdirAll(out, 0o755)
	for _, f := range []string{"fsxd.db", "master.key"} {
		copyFile(t, filepath.Join(e.DataDir, f), filepath.Join(out, f))
	}
	t.Logf("fs %s root %s vol %s svm %s ontap vol %s data dir %s", fsID, root, volID, svmID, ontapVol, e.DataDir)
}

func iamFixture(t *testing.T, e *Env) {
	ctx := context.Background()
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(e.IAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("Alice"), Path: aws.String("/eng/"),
		Tags: []iamtypes.Tag{{Key: aws.String("dept"), Value: aws.String("storage")}}}))
	key, err := e.IAM.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("Alice")})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("access key %s secret %s", aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey))
	must(e.IAM.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("Alice"), PolicyName: aws.String("fsx-read"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"fsx:Describe*","Resource":"*"}]}`)}))
	must(e.IAM.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("Readers"), Path: aws.String("/")}))
	must(e.IAM.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("Readers"), PolicyName: aws.String("s3-read"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)}))
	must(e.IAM.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("Readers"), UserName: aws.String("Alice")}))
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}
