package fsxapi

import (
	"context"
	"reflect"
	"testing"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/auth"
	"github.com/fsxd/fsxd/authz"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/awsjson"
	"github.com/fsxd/fsxd/store"
)

// TestAuthorizeNeeds: what each operation needs, on which resource, with
// which condition keys, from the request body alone and the store.
func TestAuthorizeNeeds(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	fsID, rootID := e.openZFS()
	e.settle()
	const svmID = "svm-0123456789abcdef0"
	if err := e.st.Update(ctx, func(tx *store.Tx) error {
		return svms(tx).Insert(svmID, &fsxd.SVM{ID: svmID, FileSystemID: fsID, Lifecycle: fsxd.Created})
	}); err != nil {
		t.Fatal(err)
	}
	const snapID = "fsvolsnap-0123456789abcdef0"
	if err := e.st.Update(ctx, func(tx *store.Tx) error {
		return snapshots(tx).Insert(snapID, &fsxd.Snapshot{ID: snapID, VolumeID: rootID})
	}); err != nil {
		t.Fatal(err)
	}
	acc := e.svc.cfg.Account
	fsARN, volARN, svmARN, apARN := acc.FileSystemARN(fsID), acc.VolumeARN(fsID, rootID), acc.SVMARN(fsID, svmID), acc.AccessPointARN("ap1")
	if _, err := e.svc.TagResource(ctx, &TagResourceRequest{ResourceARN: &fsARN, Tags: []Tag{{Key: ptr("owner"), Value: ptr("ops")}}}); err != nil {
		t.Fatal(err)
	}
	owner := map[string][]string{"aws:ResourceTag/owner": {"ops"}}
	team := map[string][]string{"aws:RequestTag/team": {"a"}, "aws:TagKeys": {"team"}}
	need := func(action, resource string) authz.Need { return authz.Need{Action: action, Resource: resource} }
	tagged := func(n authz.Need) authz.Need { n.Context = owner; return n }
	for _, tc := range []struct {
		op, body string
		want     []authz.Need
		keys     map[string][]string
		ap       string
	}{
		{op: fsxd.OpCreateFileSystem, body: `{"Tags":[{"Key":"team","Value":"a"}]}`, want: []authz.Need{need("fsx:CreateFileSystem", "*")}, keys: team},
		{op: fsxd.OpDescribeFileSystems, body: `{"FileSystemIds":["` + fsID + `"]}`, want: []authz.Need{need("fsx:DescribeFileSystems", "*")}},
		{op: fsxd.OpDeleteFileSystem, body: `{"FileSystemId":"` + fsID + `"}`, want: []authz.Need{tagged(need("fsx:DeleteFileSystem", fsARN))}},
		{op: fsxd.OpUpdateFileSystem, body: `{"FileSystemId":"` + fsID + `"}`, want: []authz.Need{tagged(need("fsx:UpdateFileSystem", fsARN))}},
		{op: fsxd.OpCreateStorageVirtualMachine, body: `{"FileSystemId":"` + fsID + `","Name":"s","Tags":[{"Key":"team","Value":"a"}]}`,
			want: []authz.Need{tagged(need("fsx:CreateStorageVirtualMachine", fsARN))}, keys: team},
		{op: fsxd.OpDescribeStorageVirtualMachines, body: `{}`, want: []authz.Need{need("fsx:DescribeStorageVirtualMachines", "*")}},
		{op: fsxd.OpDeleteStorageVirtualMachine, body: `{"StorageVirtualMachineId":"` + svmID + `"}`, want: []authz.Need{need("fsx:DeleteStorageVirtualMachine", svmARN)}},
		{op: fsxd.OpUpdateStorageVirtualMachine, body: `{"StorageVirtualMachineId":"` + svmID + `"}`, want: []authz.Need{need("fsx:UpdateStorageVirtualMachine", svmARN)}},
		{op: fsxd.OpCreateVolume, body: `{"Name":"v","OpenZFSConfiguration":{"ParentVolumeId":"` + rootID + `"}}`, want: []authz.Need{need("fsx:CreateVolume", volARN)}},
		{op: fsxd.OpCreateVolume, body: `{"Name":"v","OntapConfiguration":{"StorageVirtualMachineId":"` + svmID + `"}}`, want: []authz.Need{need("fsx:CreateVolume", svmARN)}},
		{op: fsxd.OpCreateVolume, body: `{"Name":"v","OpenZFSConfiguration":{"ParentVolumeId":"fsvol-00000000000000000"}}`, want: []authz.Need{need("fsx:CreateVolume", "*")}},
		{op: fsxd.OpDescribeVolumes, body: `{"VolumeIds":["` + rootID + `"]}`, want: []authz.Need{need("fsx:DescribeVolumes", "*")}},
		{op: fsxd.OpDeleteVolume, body: `{"VolumeId":"` + rootID + `"}`, want: []authz.Need{need("fsx:DeleteVolume", volARN)}},
		{op: fsxd.OpUpdateVolume, body: `{"VolumeId":"` + rootID + `"}`, want: []authz.Need{need("fsx:UpdateVolume", volARN)}},
		{op: fsxd.OpTagResource, body: `{"ResourceARN":"` + fsARN + `","Tags":[{"Key":"team","Value":"a"}]}`, want: []authz.Need{tagged(need("fsx:TagResource", fsARN))}, keys: team},
		{op: fsxd.OpUntagResource, body: `{"ResourceARN":"` + fsARN + `","TagKeys":["owner"]}`, want: []authz.Need{tagged(need("fsx:UntagResource", fsARN))},
			keys: map[string][]string{"aws:TagKeys": {"owner"}}},
		{op: fsxd.OpListTagsForResource, body: `{"ResourceARN":"` + fsARN + `"}`, want: []authz.Need{tagged(need("fsx:ListTagsForResource", fsARN))}},
		{op: fsxd.OpCreateAndAttachS3AccessPoint, body: `{"Name":"ap1","OntapConfiguration":{"VolumeId":"` + rootID + `"},"S3AccessPoint":{"Policy":"{}"}}`,
			want: []authz.Need{need("fsx:CreateAndAttachS3AccessPoint", volARN), need("s3:CreateAccessPoint", apARN), need("s3:PutAccessPointPolicy", apARN)}, ap: "ap1"},
		{op: fsxd.OpDescribeS3AccessPointAttachments, body: `{"Names":["ap1"]}`, want: []authz.Need{need("fsx:DescribeS3AccessPointAttachments", "*")}},
		{op: fsxd.OpCreateSnapshot, body: `{"Name":"s","VolumeId":"` + rootID + `","Tags":[{"Key":"team","Value":"a"}]}`, want: []authz.Need{need("fsx:CreateSnapshot", volARN)}, keys: team},
		{op: fsxd.OpDescribeSnapshots, body: `{}`, want: []authz.Need{need("fsx:DescribeSnapshots", "*")}},
		{op: fsxd.OpDeleteSnapshot, body: `{"SnapshotId":"` + snapID + `"}`, want: []authz.Need{need("fsx:DeleteSnapshot", acc.SnapshotARN(rootID, snapID))}},
		{op: fsxd.OpUpdateSnapshot, body: `{"Name":"n","SnapshotId":"fsvolsnap-00000000000000000"}`, want: []authz.Need{need("fsx:UpdateSnapshot", "*")}},
		{op: fsxd.OpRestoreVolumeFromSnapshot, body: `{"VolumeId":"` + rootID + `","SnapshotId":"` + snapID + `"}`, want: []authz.Need{need("fsx:RestoreVolumeFromSnapshot", volARN)}},
		{op: fsxd.OpCreateBackup, body: `{"VolumeId":"` + rootID + `"}`, want: []authz.Need{need("fsx:CreateBackup", volARN)}},
		{op: fsxd.OpCreateBackup, body: `{"FileSystemId":"` + fsID + `"}`, want: []authz.Need{tagged(need("fsx:CreateBackup", fsARN))}},
		{op: fsxd.OpDeleteBackup, body: `{"BackupId":"backup-0123456789abcdef0"}`, want: []authz.Need{need("fsx:DeleteBackup", acc.BackupARN("backup-0123456789abcdef0"))}},
		{op: fsxd.OpCopyBackup, body: `{"SourceBackupId":"backup-0123456789abcdef0"}`, want: []authz.Need{need("fsx:CopyBackup", acc.BackupARN("backup-0123456789abcdef0"))}},
		{op: fsxd.OpCreateVolumeFromBackup, body: `{"BackupId":"backup-0123456789abcdef0","Name":"v"}`, want: []authz.Need{need("fsx:CreateVolumeFromBackup", acc.BackupARN("backup-0123456789abcdef0"))}},
		{op: fsxd.OpDetachAndDeleteS3AccessPoint, body: `{"Name":"ap1"}`, want: []authz.Need{need("fsx:DetachAndDeleteS3AccessPoint", "*"), need("s3:DeleteAccessPoint", apARN)}, ap: "ap1"},
	} {
		in := operationInputs[tc.op]()
		if err := awsjson.Decode([]byte(tc.body), in); err != nil {
			t.Fatalf("%s %s: %v", tc.op, tc.body, err)
		}
		var ap string
		a := &Authorizer{Service: e.svc, Named: func(_ context.Context, name string) { ap = name }}
		needs, keys, err := a.request(ctx, &auth.Principal{ARN: "arn:aws:iam::123456789012:user/alice"}, tc.op, in)
		if err != nil {
			t.Fatalf("%s: %v", tc.op, err)
		}
		if !reflect.DeepEqual(needs, tc.want) || !reflect.DeepEqual(keys, tc.keys) || ap != tc.ap {
			t.Errorf("%s %s:\n got needs %v keys %v access point %q\nwant needs %v keys %v access point %q", tc.op, tc.body, needs, keys, ap, tc.want, tc.keys, tc.ap)
		}
	}
}

// TestAuthorizeRootSkipsTags: no policy binds root, so its requests carry
// no tag keys and the store is not asked for the resource's tags.
func TestAuthorizeRootSkipsTags(t *testing.T) {
	e := newTestEnv(t)
	a := &Authorizer{Service: e.svc}
	in := &TagResourceRequest{ResourceARN: ptr("arn:aws:fsx:us-east-1:123456789012:file-system/fs-0123456789abcdef0"), Tags: []Tag{{Key: ptr("k"), Value: ptr("v")}}}
	needs, keys, err := a.request(context.Background(), &auth.Principal{IsRoot: true}, fsxd.OpTagResource, in)
	if err != nil || keys != nil || len(needs) != 1 || needs[0].Context != nil {
		t.Errorf("root: needs %v keys %v err %v, want one need and no keys", needs, keys, err)
	}
}

// TestAuthorizeRootSessionTags: a session of the root user
// (GetFederationToken) is narrowed by its session policy, so its requests
// carry the tag keys that policy's conditions read.
func TestAuthorizeRootSessionTags(t *testing.T) {
	e := newTestEnv(t)
	a := &Authorizer{Service: e.svc}
	in := &TagResourceRequest{ResourceARN: ptr("arn:aws:fsx:us-east-1:123456789012:file-system/fs-0123456789abcdef0"), Tags: []Tag{{Key: ptr("k"), Value: ptr("v")}}}
	_, keys, err := a.request(context.Background(), &auth.Principal{IsRoot: true, Temporary: true, FederatedUser: "fed"}, fsxd.OpTagResource, in)
	want := map[string][]string{"aws:RequestTag/k": {"v"}, "aws:TagKeys": {"k"}}
	if err != nil || !reflect.DeepEqual(keys, want) {
		t.Errorf("root session: keys %v err %v, want %v", keys, err, want)
	}
}

// TestAuthorizeFailsClosed: an input that names no target (an operation
// added without its line in targets.go) is refused, not allowed on "*".
func TestAuthorizeFailsClosed(t *testing.T) {
	e := newTestEnv(t)
	a := &Authorizer{Service: e.svc}
	ctx := auth.WithPrincipal(context.Background(), &auth.Principal{IsRoot: true})
	err := a.Authorize(ctx, "CreateSnapshot", &struct{ VolumeId *string }{})
	if !awserr.Is(err, awserr.InternalServerError) {
		t.Errorf("Authorize(untargeted input) = %v, want InternalServerError", err)
	}
}
