package e2e

// Authorization end to end: IAM users and their keys, identity
// policies, access point policies and VPC-restricted access points, driven
// through the SDK's IAM, STS, S3, S3 Control and FSx clients as the users
// themselves.

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/fsxd/fsxd/server"
)

// azClients are every API's client, signed with one user's key.
type azClients struct {
	KeyID     string
	Secret    string
	IAM       *iam.Client
	STS       *sts.Client
	S3        *s3.Client
	FSx       *fsx.Client
	S3Control *s3control.Client
}

func azClientsFor(e *Env, key, secret string) azClients {
	creds := credentials.NewStaticCredentialsProvider(key, secret, "")
	s3c := apS3Control(e)
	return azClients{
		KeyID:     key,
		Secret:    secret,
		IAM:       iam.New(iam.Options{}, e.iamOpts, func(o *iam.Options) { o.Credentials = creds }),
		STS:       sts.New(sts.Options{}, e.stsOpts, func(o *sts.Options) { o.Credentials = creds }),
		S3:        e.S3Client(func(o *s3.Options) { o.UsePathStyle, o.Credentials = true, creds }),
		FSx:       fsx.New(fsx.Options{}, e.fsxOpts, func(o *fsx.Options) { o.Credentials = creds }),
		S3Control: s3control.New(s3c.Options(), func(o *s3control.Options) { o.Credentials = creds }),
	}
}

// azUser creates an IAM user with one access key and, if policy is not
// empty, one inline policy; it returns clients signed as the user.
func azUser(t *testing.T, e *Env, name, policy string) azClients {
	t.Helper()
	ctx := context.Background()
	if _, err := e.IAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
		t.Fatalf("CreateUser %s: %v", name, err)
	}
	k, err := e.IAM.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatalf("CreateAccessKey %s: %v", name, err)
	}
	if policy != "" {
		if _, err := e.IAM.PutUserPolicy(ctx, &iam.PutUserPolicyInput{
			UserName: aws.String(name), PolicyName: aws.String("p"), PolicyDocument: aws.String(policy)}); err != nil {
			t.Fatalf("PutUserPolicy %s: %v", name, err)
		}
	}
	return azClientsFor(e, aws.ToString(k.AccessKey.AccessKeyId), aws.ToString(k.AccessKey.SecretAccessKey))
}

// azAccessPoint attaches an access point (OpenZFS, uid 1001) to a fresh
// file system, optionally in a VPC, waits for it and seeds two objects as
// root. It returns the alias and the root volume id.
func azAccessPoint(t *testing.T, e *Env, name, vpc string) (alias, vol string) {
	t.Helper()
	ctx := context.Background()
	_, vol = apOpenZFSFileSystem(t, e, "SINGLE_AZ_HA_2")
	in := apPosix(name, vol, 1001)
	if vpc != "" {
		in.S3AccessPoint = &fsxtypes.CreateAndAttachS3AccessPointS3Configuration{
			VpcConfiguration: &fsxtypes.S3AccessPointVpcConfiguration{VpcId: aws.String(vpc)}}
	}
	out, err := e.FSx.CreateAndAttachS3AccessPoint(ctx, in)
	if err != nil {
		t.Fatalf("CreateAndAttachS3AccessPoint %s: %v", name, err)
	}
	alias = aws.ToString(out.S3AccessPointAttachment.S3AccessPoint.Alias)
	apWaitState(t, e, name, "AVAILABLE")
	if vpc == "" {
		for _, key := range []string{"public/a.txt", "secret/b.txt"} {
			if _, err := e.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(alias), Key: aws.String(key), Body: strings.NewReader(key)}); err != nil {
				t.Fatalf("seed %s: %v", key, err)
			}
		}
	}
	return alias, vol
}

func azGet(c azClients, alias, key string) error {
	out, err := c.S3.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(alias), Key: aws.String(key)})
	if err == nil {
		_, err = io.Copy(io.Discard, out.Body)
		out.Body.Close()
	}
	return err
}

func azPut(c azClients, alias, key string) error {
	_, err := c.S3.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(alias), Key: aws.String(key), Body: strings.NewReader("x")})
	return err
}

func azList(c azClients, alias string) error {
	_, err := c.S3.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(alias)})
	return err
}

func azDelete(c azClients, alias, key string) error {
	_, err := c.S3.DeleteObject(context.Background(), &s3.DeleteObjectInput{Bucket: aws.String(alias), Key: aws.String(key)})
	return err
}

// azWant fails unless err has the code ("" = success).
func azWant(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := apCode(err); got != code {
		t.Errorf("%s: got %q (%v), want %q", what, got, err, code)
	}
}

const apARNPrefix = "arn:aws:s3:" + Region + ":" + Account + ":accesspoint/"

func TestAuthzNoPolicyDeniedEverywhere(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	alias, vol := azAccessPoint(t, e, "az-none", "")
	u := azUser(t, e, "nobody", "")

	id, err := u.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Arn) != "arn:aws:iam::"+Account+":user/nobody" {
		t.Fatalf("GetCallerIdentity: %v %v", id, err)
	}
	azWant(t, "GetObject", azGet(u, alias, "public/a.txt"), "AccessDenied")
	azWant(t, "PutObject", azPut(u, alias, "public/new.txt"), "AccessDenied")
	azWant(t, "ListObjectsV2", azList(u, alias), "AccessDenied")
	azWant(t, "DeleteObject", azDelete(u, alias, "public/a.txt"), "AccessDenied")
	_, err = u.FSx.DescribeFileSystems(ctx, &fsx.DescribeFileSystemsInput{})
	azWant(t, "DescribeFileSystems", err, "AccessDeniedException")
	_, err = u.FSx.CreateAndAttachS3AccessPoint(ctx, apPosix("az-sneaky", vol, 0))
	azWant(t, "CreateAndAttachS3AccessPoint", err, "AccessDeniedException")
	_, err = u.S3Control.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: aws.String(Account), Name: aws.String("az-none")})
	azWant(t, "GetAccessPoint", err, "AccessDenied")
	_, err = u.IAM.ListUsers(ctx, &iam.ListUsersInput{})
	azWant(t, "ListUsers", err, "AccessDenied")
	_, err = u.IAM.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{})
	azWant(t, "CreateAccessKey for itself", err, "AccessDenied")
}

func TestAuthzReadOnlyIdentityPolicy(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	alias, vol := azAccessPoint(t, e, "az-ro", "")
	ro := azUser(t, e, "reader", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["`+apARNPrefix+`az-ro","`+apARNPrefix+`az-ro/object/*"]},
		{"Effect":"Allow","Action":["fsx:Describe*","s3:GetAccessPoint"],"Resource":"*"}]}`)

	azWant(t, "GetObject", azGet(ro, alias, "public/a.txt"), "")
	azWant(t, "ListObjectsV2", azList(ro, alias), "")
	azWant(t, "PutObject", azPut(ro, alias, "public/new.txt"), "AccessDenied")
	azWant(t, "DeleteObject", azDelete(ro, alias, "public/a.txt"), "AccessDenied")
	_, err := ro.FSx.DescribeFileSystems(ctx, &fsx.DescribeFileSystemsInput{})
	azWant(t, "DescribeFileSystems", err, "")
	_, err = ro.FSx.DescribeS3AccessPointAttachments(ctx, &fsx.DescribeS3AccessPointAttachmentsInput{})
	azWant(t, "DescribeS3AccessPointAttachments", err, "")
	_, err = ro.S3Control.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: aws.String(Account), Name: aws.String("az-ro")})
	azWant(t, "GetAccessPoint", err, "")

	// Every FSx mutation is refused.
	mutations := map[string]func() error{
		"CreateFileSystem": func() error {
			_, err := ro.FSx.CreateFileSystem(ctx, &fsx.CreateFileSystemInput{FileSystemType: fsxtypes.FileSystemTypeOpenzfs,
				StorageCapacity: aws.Int32(64), SubnetIds: []string{"subnet-0123456789abcdef0"},
				OpenZFSConfiguration: &fsxtypes.CreateFileSystemOpenZFSConfiguration{DeploymentType: "SINGLE_AZ_HA_2", ThroughputCapacity: aws.Int32(160)}})
			return err
		},
		"CreateVolume": func() error {
			_, err := ro.FSx.CreateVolume(ctx, &fsx.CreateVolumeInput{VolumeType: fsxtypes.VolumeTypeOpenzfs, Name: aws.String("v"),
				OpenZFSConfiguration: &fsxtypes.CreateOpenZFSVolumeConfiguration{ParentVolumeId: aws.String(vol)}})
			return err
		},
		"DeleteVolume": func() error {
			_, err := ro.FSx.DeleteVolume(ctx, &fsx.DeleteVolumeInput{VolumeId: aws.String(vol)})
			return err
		},
		"UpdateVolume": func() error {
			_, err := ro.FSx.UpdateVolume(ctx, &fsx.UpdateVolumeInput{VolumeId: aws.String(vol), Name: aws.String("renamed")})
			return err
		},
		"CreateAndAttachS3AccessPoint": func() error {
			_, err := ro.FSx.CreateAndAttachS3AccessPoint(ctx, apPosix("az-ro2", vol, 1001))
			return err
		},
		"DetachAndDeleteS3AccessPoint": func() error {
			_, err := ro.FSx.DetachAndDeleteS3AccessPoint(ctx, &fsx.DetachAndDeleteS3AccessPointInput{Name: aws.String("az-ro")})
			return err
		},
		"TagResource": func() error {
			_, err := ro.FSx.TagResource(ctx, &fsx.TagResourceInput{ResourceARN: aws.String("arn:aws:fsx:" + Region + ":" + Account + ":volume/x"),
				Tags: []fsxtypes.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
			return err
		},
		"PutAccessPointPolicy": func() error {
			_, err := ro.S3Control.PutAccessPointPolicy(ctx, &s3control.PutAccessPointPolicyInput{AccountId: aws.String(Account),
				Name: aws.String("az-ro"), Policy: aws.String(`{"Version":"2012-10-17","Statement":[]}`)})
			return err
		},
	}
	for name, call := range mutations {
		code := "AccessDeniedException"
		if name == "PutAccessPointPolicy" {
			code = "AccessDenied"
		}
		azWant(t, name, call(), code)
	}
}

// azPutPolicy puts access point name's policy as root.
func azPutPolicy(s3c *s3control.Client, name, doc string) error {
	_, err := s3c.PutAccessPointPolicy(context.Background(), &s3control.PutAccessPointPolicyInput{
		AccountId: aws.String(Account), Name: aws.String(name), Policy: aws.String(doc)})
	return err
}

func TestAuthzAccessPointPolicy(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	alias, _ := azAccessPoint(t, e, "az-ap", "")
	s3c := apS3Control(e)
	putPolicy := func(doc string) {
		t.Helper()
		if err := azPutPolicy(s3c, "az-ap", doc); err != nil {
			t.Fatalf("PutAccessPointPolicy: %v", err)
		}
	}
	writer := azUser(t, e, "writer", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`)
	guest := azUser(t, e, "guest", "")

	// A Deny on a prefix in the access point policy beats an identity Allow.
	putPolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"` + apARNPrefix + `az-ap/object/secret/*"}]}`)
	azWant(t, "writer GET public", azGet(writer, alias, "public/a.txt"), "")
	azWant(t, "writer GET secret", azGet(writer, alias, "secret/b.txt"), "AccessDenied")
	azWant(t, "writer PUT secret", azPut(writer, alias, "secret/c.txt"), "AccessDenied")
	azWant(t, "root GET secret", azGet(azClientsFor(e, e.Key, e.Secret), alias, "secret/b.txt"), "AccessDenied")

	// An access point policy Allow is enough for a same-account user, and
	// changes take effect at once.
	azWant(t, "guest before", azGet(guest, alias, "public/a.txt"), "AccessDenied")
	putPolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + Account + `:user/guest"},"Action":"s3:GetObject","Resource":"` + apARNPrefix + `az-ap/object/public/*"}]}`)
	azWant(t, "guest allowed", azGet(guest, alias, "public/a.txt"), "")
	azWant(t, "guest other prefix", azGet(guest, alias, "secret/b.txt"), "AccessDenied")
	azWant(t, "guest put", azPut(guest, alias, "public/x.txt"), "AccessDenied")
	azWant(t, "writer after the deny is gone", azGet(writer, alias, "secret/b.txt"), "")
	if _, err := s3c.DeleteAccessPointPolicy(ctx, &s3control.DeleteAccessPointPolicyInput{AccountId: aws.String(Account), Name: aws.String("az-ap")}); err != nil {
		t.Fatal(err)
	}
	azWant(t, "guest after delete", azGet(guest, alias, "public/a.txt"), "AccessDenied")
}

func TestAuthzKeyRevocation(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	alias, _ := azAccessPoint(t, e, "az-keys", "")
	u := azUser(t, e, "temp", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`)
	azWant(t, "active", azGet(u, alias, "public/a.txt"), "")

	status := func(s iamtypes.StatusType) {
		t.Helper()
		if _, err := e.IAM.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("temp"), AccessKeyId: aws.String(u.KeyID), Status: s}); err != nil {
			t.Fatal(err)
		}
	}
	status(iamtypes.StatusTypeInactive)
	azWant(t, "inactive S3", azGet(u, alias, "public/a.txt"), "InvalidAccessKeyId")
	_, err := u.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	azWant(t, "inactive STS", err, "InvalidClientTokenId")
	status(iamtypes.StatusTypeActive)
	azWant(t, "reactivated", azGet(u, alias, "public/a.txt"), "")

	if _, err := e.IAM.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("temp"), AccessKeyId: aws.String(u.KeyID)}); err != nil {
		t.Fatal(err)
	}
	azWant(t, "deleted S3", azGet(u, alias, "public/a.txt"), "InvalidAccessKeyId")
	_, err = u.FSx.DescribeFileSystems(ctx, &fsx.DescribeFileSystemsInput{})
	azWant(t, "deleted FSx", err, "UnrecognizedClientException")
}

func TestAuthzVPCAccessPoint(t *testing.T) {
	e := Start(t, func(c *server.Config) {
		c.VPCs = map[string][]string{
			"vpc-0a0a0a0a0a0a0a0a0": {"10.0.0.0/16"},
			"vpc-0b0b0b0b0b0b0b0b0": {"127.0.0.0/8"},
		}
	})
	ctx := context.Background()
	root := azClientsFor(e, e.Key, e.Secret)
	remote, vol := azAccessPoint(t, e, "az-remote", "vpc-0a0a0a0a0a0a0a0a0")
	local, _ := azAccessPoint(t, e, "az-local", "vpc-0b0b0b0b0b0b0b0b0")

	// The test client connects from 127.0.0.1.
	azWant(t, "PUT via 10.0.0.0/16 access point", azPut(root, remote, "x.txt"), "AccessDenied")
	azWant(t, "GET via 10.0.0.0/16 access point", azGet(root, remote, "x.txt"), "AccessDenied")
	azWant(t, "PUT via 127.0.0.0/8 access point", azPut(root, local, "x.txt"), "")
	azWant(t, "GET via 127.0.0.0/8 access point", azGet(root, local, "x.txt"), "")

	ap, err := apS3Control(e).GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: aws.String(Account), Name: aws.String("az-local")})
	if err != nil || string(ap.NetworkOrigin) != "VPC" || ap.VpcConfiguration == nil || aws.ToString(ap.VpcConfiguration.VpcId) != "vpc-0b0b0b0b0b0b0b0b0" {
		t.Errorf("GetAccessPoint: %+v %v", ap, err)
	}
	in := apPosix("az-undeclared", vol, 1001)
	in.S3AccessPoint = &fsxtypes.CreateAndAttachS3AccessPointS3Configuration{
		VpcConfiguration: &fsxtypes.S3AccessPointVpcConfiguration{VpcId: aws.String("vpc-0c0c0c0c0c0c0c0c0")}}
	_, err = e.FSx.CreateAndAttachS3AccessPoint(ctx, in)
	azWant(t, "undeclared VPC", err, "InvalidRequest")

	// aws:SourceVpc is there for policies.
	u := azUser(t, e, "vpcuser", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
		"Condition":{"StringEquals":{"aws:SourceVpc":"vpc-0b0b0b0b0b0b0b0b0","s3:AccessPointNetworkOrigin":"VPC"}}}}`)
	azWant(t, "SourceVpc condition", azGet(u, local, "x.txt"), "")
}
