package e2e

//lint:file-ignore SA1019 SizeInMegabytes is what older clients and the README walkthrough send; fsxd must accept it

// S3 access point attachments end to end: the fsx and s3control SDK
// clients against a running fsxd, OpenZFS and ONTAP, through lifecycle,
// restarts, MISCONFIGURED and back.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/fsx/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/smithy-go"

	"github.com/fsxd/fsxd/server"
)

const apWait = 10 * time.Second

func apCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	if err != nil {
		return "non-API error: " + err.Error()
	}
	return ""
}

// apS3Control is an S3 Control client that reaches e whatever host the
// SDK builds: it prefixes the endpoint host with the account id
// ("123456789012.127.0.0.1:port"), which does not resolve.
func apS3Control(e *Env) *s3control.Client {
	addr := e.Addr
	d := &net.Dialer{}
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return d.DialContext(ctx, network, addr)
	}}}
	return s3control.New(s3control.Options{}, e.s3controlOpts, func(o *s3control.Options) { o.HTTPClient = hc })
}

// apThroughput is a valid ThroughputCapacity for each deployment type.
var apThroughput = map[string]int32{"SINGLE_AZ_1": 64, "SINGLE_AZ_HA_1": 128, "SINGLE_AZ_HA_2": 160}

func apOpenZFSFileSystem(t *testing.T, e *Env, deployment string) (fsID, rootVol string) {
	t.Helper()
	out, err := e.FSx.CreateFileSystem(context.Background(), &fsx.CreateFileSystemInput{
		FileSystemType: types.FileSystemTypeOpenzfs, StorageCapacity: aws.Int32(64), SubnetIds: []string{"subnet-0123456789abcdef0"},
		OpenZFSConfiguration: &types.CreateFileSystemOpenZFSConfiguration{
			DeploymentType: types.OpenZFSDeploymentType(deployment), ThroughputCapacity: aws.Int32(apThroughput[deployment]),
		},
	})
	if err != nil {
		t.Fatalf("CreateFileSystem: %v", err)
	}
	fsID = aws.ToString(out.FileSystem.FileSystemId)
	apWaitFS(t, e, fsID)
	return fsID, aws.ToString(out.FileSystem.OpenZFSConfiguration.RootVolumeId)
}

func apWaitFS(t *testing.T, e *Env, fsID string) {
	t.Helper()
	Eventually(t, apWait, fsID+" AVAILABLE", func() bool {
		out, err := e.FSx.DescribeFileSystems(context.Background(), &fsx.DescribeFileSystemsInput{FileSystemIds: []string{fsID}})
		return err == nil && out.FileSystems[0].Lifecycle == types.FileSystemLifecycleAvailable
	})
}

func apWaitVolume(t *testing.T, e *Env, volID string) {
	t.Helper()
	Eventually(t, apWait, volID+" ready", func() bool {
		out, err := e.FSx.DescribeVolumes(context.Background(), &fsx.DescribeVolumesInput{VolumeIds: []string{volID}})
		if err != nil {
			return false
		}
		l := out.Volumes[0].Lifecycle
		return l == types.VolumeLifecycleAvailable || l == types.VolumeLifecycleCreated
	})
}

func apChildVolume(t *testing.T, e *Env, parent, name string) string {
	t.Helper()
	out, err := e.FSx.CreateVolume(context.Background(), &fsx.CreateVolumeInput{
		VolumeType: types.VolumeTypeOpenzfs, Name: aws.String(name),
		OpenZFSConfiguration: &types.CreateOpenZFSVolumeConfiguration{ParentVolumeId: aws.String(parent)},
	})
	if err != nil {
		t.Fatalf("CreateVolume: %v", err)
	}
	id := aws.ToString(out.Volume.VolumeId)
	apWaitVolume(t, e, id)
	return id
}

// apONTAP makes an ONTAP file system, an SVM and a UNIX-style volume
// mounted at /data.
func apONTAP(t *testing.T, e *Env) (svmID, volID string) {
	t.Helper()
	ctx := context.Background()
	out, err := e.FSx.CreateFileSystem(ctx, &fsx.CreateFileSystemInput{
		FileSystemType: types.FileSystemTypeOntap, StorageCapacity: aws.Int32(1024), SubnetIds: []string{"subnet-0123456789abcdef0"},
		OntapConfiguration: &types.CreateFileSystemOntapConfiguration{DeploymentType: types.OntapDeploymentTypeSingleAz1, ThroughputCapacity: aws.Int32(128)},
	})
	if err != nil {
		t.Fatalf("CreateFileSystem ONTAP: %v", err)
	}
	fsID := aws.ToString(out.FileSystem.FileSystemId)
	apWaitFS(t, e, fsID)
	svm, err := e.FSx.CreateStorageVirtualMachine(ctx, &fsx.CreateStorageVirtualMachineInput{
		FileSystemId: aws.String(fsID), Name: aws.String("svm1"), RootVolumeSecurityStyle: types.StorageVirtualMachineRootVolumeSecurityStyleUnix,
	})
	if err != nil {
		t.Fatalf("CreateStorageVirtualMachine: %v", err)
	}
	svmID = aws.ToString(svm.StorageVirtualMachine.StorageVirtualMachineId)
	Eventually(t, apWait, svmID+" CREATED", func() bool {
		o, err := e.FSx.DescribeStorageVirtualMachines(ctx, &fsx.DescribeStorageVirtualMachinesInput{StorageVirtualMachineIds: []string{svmID}})
		return err == nil && o.StorageVirtualMachines[0].Lifecycle == types.StorageVirtualMachineLifecycleCreated
	})
	vol, err := e.FSx.CreateVolume(ctx, &fsx.CreateVolumeInput{
		VolumeType: types.VolumeTypeOntap, Name: aws.String("data"),
		OntapConfiguration: &types.CreateOntapVolumeConfiguration{
			StorageVirtualMachineId: aws.String(svmID), JunctionPath: aws.String("/data"), SecurityStyle: types.SecurityStyleMixed,
			SizeInMegabytes: aws.Int32(1024), StorageEfficiencyEnabled: aws.Bool(true),
		},
	})
	if err != nil {
		t.Fatalf("CreateVolume ONTAP: %v", err)
	}
	volID = aws.ToString(vol.Volume.VolumeId)
	apWaitVolume(t, e, volID)
	return svmID, volID
}

func apPosix(name, vol string, uid int64) *fsx.CreateAndAttachS3AccessPointInput {
	return &fsx.CreateAndAttachS3AccessPointInput{
		Name: aws.String(name), Type: types.S3AccessPointAttachmentTypeOpenzfs,
		OpenZFSConfiguration: &types.CreateAndAttachS3AccessPointOpenZFSConfiguration{
			VolumeId: aws.String(vol),
			FileSystemIdentity: &types.OpenZFSFileSystemIdentity{Type: types.OpenZFSFileSystemUserTypePosix,
				PosixUser: &types.OpenZFSPosixFileSystemUser{Uid: aws.Int64(uid), Gid: aws.Int64(uid), SecondaryGids: []int64{4000}}},
		},
	}
}

func apOntap(name, vol, typ, user string) *fsx.CreateAndAttachS3AccessPointInput {
	fi := &types.OntapFileSystemIdentity{Type: types.OntapFileSystemUserType(typ)}
	if typ == "UNIX" {
		fi.UnixUser = &types.OntapUnixFileSystemUser{Name: aws.String(user)}
	} else {
		fi.WindowsUser = &types.OntapWindowsFileSystemUser{Name: aws.String(user)}
	}
	return &fsx.CreateAndAttachS3AccessPointInput{
		Name: aws.String(name), Type: types.S3AccessPointAttachmentTypeOntap,
		OntapConfiguration: &types.CreateAndAttachS3AccessPointOntapConfiguration{VolumeId: aws.String(vol), FileSystemIdentity: fi},
	}
}

// apState is name's lifecycle and reason, or "gone".
func apState(t *testing.T, e *Env, name string) (string, string) {
	t.Helper()
	out, err := e.FSx.DescribeS3AccessPointAttachments(context.Background(), &fsx.DescribeS3AccessPointAttachmentsInput{Names: []string{name}})
	if apCode(err) == "S3AccessPointAttachmentNotFound" {
		return "gone", ""
	}
	if err != nil {
		t.Fatal(err)
	}
	a := out.S3AccessPointAttachments[0]
	why := ""
	if a.LifecycleTransitionReason != nil {
		why = aws.ToString(a.LifecycleTransitionReason.Message)
	}
	return string(a.Lifecycle), why
}

func apWaitState(t *testing.T, e *Env, name, want string) string {
	t.Helper()
	var why string
	Eventually(t, apWait, name+" "+want, func() bool {
		var got string
		got, why = apState(t, e, name)
		return got == want
	})
	return why
}

func TestAccessPointOpenZFS(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	fsID, root := apOpenZFSFileSystem(t, e, "SINGLE_AZ_HA_2")
	vol := apChildVolume(t, e, root, "data")

	in := apPosix("zfs-ap", vol, 1001)
	in.S3AccessPoint = &types.CreateAndAttachS3AccessPointS3Configuration{
		Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"s3:*","Resource":"arn:aws:s3:us-east-1:123456789012:accesspoint/zfs-ap/object/*"}]}`),
	}
	out, err := e.FSx.CreateAndAttachS3AccessPoint(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	a := out.S3AccessPointAttachment
	alias := aws.ToString(a.S3AccessPoint.Alias)
	if a.Lifecycle != types.S3AccessPointAttachmentLifecycleCreating || aws.ToString(a.S3AccessPoint.ResourceARN) != "arn:aws:s3:us-east-1:123456789012:accesspoint/zfs-ap" ||
		!strings.HasPrefix(alias, "zfs-ap-") || !strings.HasSuffix(alias, "-ext-s3alias") || len(alias) > 63 ||
		aws.ToString(a.OpenZFSConfiguration.VolumeId) != vol || aws.ToInt64(a.OpenZFSConfiguration.FileSystemIdentity.PosixUser.Uid) != 1001 {
		t.Fatalf("create response: %+v", a)
	}
	apWaitState(t, e, "zfs-ap", "AVAILABLE")

	// Idempotency both ways.
	first, err := e.FSx.CreateAndAttachS3AccessPoint(ctx, withToken(apPosix("zfs-ap2", vol, 1001), "e2e-token"))
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.FSx.CreateAndAttachS3AccessPoint(ctx, withToken(apPosix("zfs-ap2", vol, 1001), "e2e-token"))
	if err != nil || aws.ToString(again.S3AccessPointAttachment.S3AccessPoint.Alias) != aws.ToString(first.S3AccessPointAttachment.S3AccessPoint.Alias) {
		t.Fatalf("replay: %v", err)
	}
	_, err = e.FSx.CreateAndAttachS3AccessPoint(ctx, withToken(apPosix("zfs-ap2", vol, 1002), "e2e-token"))
	var ip *types.IncompatibleParameterError
	if !errors.As(err, &ip) || aws.ToString(ip.Parameter) == "" {
		t.Fatalf("token reuse: %v", err)
	}

	// Errors.
	_, nonHARoot := apOpenZFSFileSystem(t, e, "SINGLE_AZ_1")
	for _, tt := range []struct {
		in   *fsx.CreateAndAttachS3AccessPointInput
		code string
	}{
		{apPosix("zfs-ap", vol, 1), "AccessPointAlreadyOwnedByYou"},
		{apPosix("bad-ext-s3alias", vol, 1), "BadRequest"},
		{apPosix("nonha", nonHARoot, 1), "UnsupportedOperation"},
		{apPosix("novol", "fsvol-0123456789abcdef0", 1), "VolumeNotFound"},
		{apOntap("wrongtype", vol, "UNIX", "root"), "BadRequest"},
	} {
		if _, err := e.FSx.CreateAndAttachS3AccessPoint(ctx, tt.in); apCode(err) != tt.code {
			t.Errorf("%s: %v, want %s", aws.ToString(tt.in.Name), err, tt.code)
		}
	}

	// Pagination through the SDK paginator.
	for i := range 5 {
		if _, err := e.FSx.CreateAndAttachS3AccessPoint(ctx, apPosix(fmt.Sprintf("page-%d", i), vol, 1)); err != nil {
			t.Fatal(err)
		}
	}
	var seen []string
	p := fsx.NewDescribeS3AccessPointAttachmentsPaginator(e.FSx, &fsx.DescribeS3AccessPointAttachmentsInput{
		Filters:    []types.S3AccessPointAttachmentsFilter{{Name: types.S3AccessPointAttachmentsFilterNameFileSystemId, Values: []string{fsID}}},
		MaxResults: aws.Int32(2),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range page.S3AccessPointAttachments {
			seen = append(seen, aws.ToString(a.Name))
		}
	}
	if strings.Join(seen, ",") != "page-0,page-1,page-2,page-3,page-4,zfs-ap,zfs-ap2" {
		t.Errorf("paginated: %v", seen)
	}

	// S3 Control.
	s3c := apS3Control(e)
	ap, err := s3c.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: aws.String(Account), Name: aws.String("zfs-ap")})
	if err != nil || aws.ToString(ap.Alias) != alias || aws.ToString(ap.DataSourceId) != vol || aws.ToString(ap.DataSourceType) != "FSX_OPENZFS" || string(ap.NetworkOrigin) != "Internet" {
		t.Fatalf("GetAccessPoint: %+v, %v", ap, err)
	}
	pol, err := s3c.GetAccessPointPolicy(ctx, &s3control.GetAccessPointPolicyInput{AccountId: aws.String(Account), Name: aws.String("zfs-ap")})
	if err != nil || !strings.Contains(aws.ToString(pol.Policy), "zfs-ap/object/*") {
		t.Fatalf("GetAccessPointPolicy: %v", err)
	}
	if _, err := s3c.GetAccessPointPolicy(ctx, &s3control.GetAccessPointPolicyInput{AccountId: aws.String(Account), Name: aws.String("page-0")}); apCode(err) != "NoSuchAccessPointPolicy" {
		t.Errorf("no policy: %v", err)
	}
	list, err := s3c.ListAccessPoints(ctx, &s3control.ListAccessPointsInput{AccountId: aws.String(Account), DataSourceType: aws.String("ALL")})
	if err != nil || len(list.AccessPointList) != 7 {
		t.Fatalf("ListAccessPoints: %v, %v", list, err)
	}

	// Detach: DELETING at once, then gone.
	del, err := e.FSx.DetachAndDeleteS3AccessPoint(ctx, &fsx.DetachAndDeleteS3AccessPointInput{Name: aws.String("page-0")})
	if err != nil || del.Lifecycle != types.S3AccessPointAttachmentLifecycleDeleting {
		t.Fatalf("detach: %+v %v", del, err)
	}
	apWaitState(t, e, "page-0", "gone")
	if _, err := e.FSx.DetachAndDeleteS3AccessPoint(ctx, &fsx.DetachAndDeleteS3AccessPointInput{Name: aws.String("page-0")}); apCode(err) != "S3AccessPointAttachmentNotFound" {
		t.Errorf("second detach: %v", err)
	}

	// MISCONFIGURED and back: remove then restore the volume directory.
	dir := filepath.Join(e.DataDir, "fs", fsID, "fsx", "data")
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("volume directory: %v", err)
	}
	os.Rename(dir, dir+".away")
	apWaitState(t, e, "zfs-ap", "MISCONFIGURED")
	os.Rename(dir+".away", dir)
	apWaitState(t, e, "zfs-ap", "AVAILABLE")
}

func withToken(in *fsx.CreateAndAttachS3AccessPointInput, tok string) *fsx.CreateAndAttachS3AccessPointInput {
	in.ClientRequestToken = aws.String(tok)
	return in
}

// TestAccessPointRestart: a restart in the middle of CREATING and of
// DELETING finishes both.
func TestAccessPointRestart(t *testing.T) {
	e := Start(t, func(c *server.Config) { c.LifecycleDelay = 2 * time.Second })
	ctx := context.Background()
	_, root := apOpenZFSFileSystem(t, e, "SINGLE_AZ_HA_1")
	if _, err := e.FSx.CreateAndAttachS3AccessPoint(ctx, apPosix("old", root, 1)); err != nil {
		t.Fatal(err)
	}
	apWaitState(t, e, "old", "AVAILABLE")
	if _, err := e.FSx.CreateAndAttachS3AccessPoint(ctx, apPosix("new", root, 1)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.FSx.DetachAndDeleteS3AccessPoint(ctx, &fsx.DetachAndDeleteS3AccessPointInput{Name: aws.String("old")}); err != nil {
		t.Fatal(err)
	}
	e.Restart()
	if got, _ := apState(t, e, "new"); got != "CREATING" {
		t.Errorf("after restart: new is %s", got)
	}
	if got, _ := apState(t, e, "old"); got != "DELETING" {
		t.Errorf("after restart: old is %s", got)
	}
	apWaitState(t, e, "new", "AVAILABLE")
	apWaitState(t, e, "old", "gone")
}

// TestAccessPointONTAP: UNIX and Windows identities through the SVM's name
// service, and MISCONFIGURED when the UNIX user is removed, back when
// restored.
func TestAccessPointONTAP(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	svmID, vol := apONTAP(t, e)
	nsFile := filepath.Join(e.DataDir, "nameservice", svmID+".json")
	writeNS := func(content string) {
		t.Helper()
		os.MkdirAll(filepath.Dir(nsFile), 0o755)
		if err := os.WriteFile(nsFile, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeNS(`{"Users":[{"Name":"dave","Uid":5001,"Gid":5001}],"NameMappings":[{"Pattern":"CORP\\\\(.+)","Replacement":"\\1"}],"DefaultUnixUser":""}`)
	for _, in := range []*fsx.CreateAndAttachS3AccessPointInput{
		apOntap("ontap-unix", vol, "UNIX", "dave"),
		apOntap("ontap-win", vol, "WINDOWS", `CORP\dave`),
		apOntap("ontap-nouser", vol, "UNIX", "nobody-here"),
		apOntap("ontap-otherdomain", vol, "WINDOWS", `OTHER\dave`),
	} {
		if _, err := e.FSx.CreateAndAttachS3AccessPoint(ctx, in); err != nil {
			t.Fatalf("%s: %v", aws.ToString(in.Name), err)
		}
	}
	apWaitState(t, e, "ontap-unix", "AVAILABLE")
	apWaitState(t, e, "ontap-win", "AVAILABLE")
	if why := apWaitState(t, e, "ontap-nouser", "FAILED"); !strings.Contains(why, "nobody-here") {
		t.Errorf("reason %q", why)
	}
	apWaitState(t, e, "ontap-otherdomain", "FAILED")

	time.Sleep(10 * time.Millisecond) // a distinct modification time
	writeNS(`{"Users":[],"DefaultUnixUser":""}`)
	if why := apWaitState(t, e, "ontap-unix", "MISCONFIGURED"); !strings.Contains(why, "dave") {
		t.Errorf("reason %q", why)
	}
	time.Sleep(10 * time.Millisecond)
	writeNS(`{"Users":[{"Name":"dave","Uid":5001,"Gid":5001}]}`)
	apWaitState(t, e, "ontap-unix", "AVAILABLE")

	s3c := apS3Control(e)
	ap, err := s3c.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: aws.String(Account), Name: aws.String("ontap-unix")})
	if err != nil || aws.ToString(ap.DataSourceType) != "FSX_ONTAP" {
		t.Fatalf("GetAccessPoint: %+v %v", ap, err)
	}
	// DeleteAccessPoint through S3 Control leaves the attachment FAILED.
	if _, err := s3c.DeleteAccessPoint(ctx, &s3control.DeleteAccessPointInput{AccountId: aws.String(Account), Name: aws.String("ontap-win")}); err != nil {
		t.Fatal(err)
	}
	apWaitState(t, e, "ontap-win", "FAILED")
}

// TestAccessPointDataPlane: an object written through the alias lands in
// the volume's directory, owned by the access point's identity, and the
// access point stops serving from the first moment of its deletion.
func TestAccessPointDataPlane(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	fsID, root := apOpenZFSFileSystem(t, e, "SINGLE_AZ_HA_2")
	out, err := e.FSx.CreateAndAttachS3AccessPoint(ctx, apPosix("dataplane", root, 1001))
	if err != nil {
		t.Fatal(err)
	}
	alias := aws.ToString(out.S3AccessPointAttachment.S3AccessPoint.Alias)
	if _, err := e.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(alias), Key: aws.String("early.txt"), Body: strings.NewReader("x")}); apCode(err) != "ServiceUnavailable" {
		t.Errorf("PUT while CREATING: %v", err)
	}
	apWaitState(t, e, "dataplane", "AVAILABLE")
	if _, err := e.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(alias), Key: aws.String("dir/hello.txt"), Body: strings.NewReader("hello")}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(e.DataDir, "fs", fsID, "fsx", "dir", "hello.txt")
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		if sys := st.Sys().(*syscall.Stat_t); sys.Uid != 1001 || sys.Gid != 1001 {
			t.Errorf("owner %d:%d, want 1001:1001", sys.Uid, sys.Gid)
		}
	}
	if _, err := e.FSx.DetachAndDeleteS3AccessPoint(ctx, &fsx.DetachAndDeleteS3AccessPointInput{Name: aws.String("dataplane")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.S3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(alias), Key: aws.String("dir/hello.txt")}); apCode(err) != "NoSuchBucket" {
		t.Errorf("GET while DELETING: %v", err)
	}
}
