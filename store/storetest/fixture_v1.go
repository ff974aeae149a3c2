package storetest

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/store"
)

// What testdata/v1/fsxd.db holds. Directories are those of the data
// directory the generator ran in.
const (
	v1Dir     = "/tmp/TestGenerateStoreFixture64938993/001/fs/"
	v1ZFS     = "fs-d25a0e86654df5d5a"
	v1ZFSRoot = "fsvol-adedc0d487e9487a2"
	v1ZFSVol  = "fsvol-b670f70fa9e524795"
	v1ONTAP   = "fs-608bcc9ee0b79fcd6"
	v1SVM     = "svm-5cb16512c8c16d7ef"
	v1SVMRoot = "fsvol-d946c0f5c909161ed"
	v1ONTAPV  = "fsvol-63e63ce212567a9ca"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// wire checks that a record kept its FSx wire shape and clears it for the
// comparison (fsxapi pins the shape's own encoding against this fixture).
func wire(t *testing.T, w *json.RawMessage, contains string) {
	t.Helper()
	if !json.Valid(*w) || !strings.Contains(string(*w), contains) {
		t.Errorf("Wire %s lacks %s", *w, contains)
	}
	*w = nil
}

func v1FileSystems(t *testing.T, tx *store.Tx) error {
	want(t, tx, store.FileSystems, v1ZFS, &fsxd.FileSystem{
		ID: v1ZFS, Type: fsxd.TypeOpenZFS, Lifecycle: fsxd.Available, CreationTime: at("2026-12-05T10:11:36.856960374Z"),
		DeploymentType: "SINGLE_AZ_HA_2", Dir: v1Dir + v1ZFS, RootVolumeID: v1ZFSRoot,
		Tags: []fsxd.Tag{{Key: "Name", Value: "fixture-zfs"}},
	}, func(r *fsxd.FileSystem) { wire(t, &r.Wire, `"RootVolumeId":"`+v1ZFSRoot+`"`) })
	want(t, tx, store.FileSystems, v1ONTAP, &fsxd.FileSystem{
		ID: v1ONTAP, Type: fsxd.TypeONTAP, Lifecycle: fsxd.Available, CreationTime: at("2026-12-05T10:11:37.271644299Z"),
		DeploymentType: "SINGLE_AZ_1", Dir: v1Dir + v1ONTAP,
	}, func(r *fsxd.FileSystem) { wire(t, &r.Wire, `"HAPairs":1`) })
	return wantKeys(t, tx, store.FileSystems, v1ONTAP, v1ZFS)
}

func v1SVMs(t *testing.T, tx *store.Tx) error {
	want(t, tx, store.SVMs, v1SVM, &fsxd.SVM{
		ID: v1SVM, FileSystemID: v1ONTAP, Name: "svm1", Lifecycle: fsxd.Created,
		CreationTime: at("2026-12-05T10:11:37.482069928Z"), RootVolumeSecurityStyle: "UNIX", Dir: v1Dir + v1ONTAP + "/" + v1SVM,
	}, func(r *fsxd.SVM) { wire(t, &r.Wire, `"UUID":"6ebf9758-5f61-4b56-8a06-c81d5a0fd24c"`) })
	return wantKeys(t, tx, store.SVMs, v1SVM)
}

func v1Volumes(t *testing.T, tx *store.Tx) error {
	vols := []*fsxd.Volume{{
		ID: v1ZFSRoot, FileSystemID: v1ZFS, Type: fsxd.TypeOpenZFS, Name: "fsx", Lifecycle: fsxd.Available,
		CreationTime: at("2026-12-05T10:11:36.856960374Z"), Dir: v1Dir + v1ZFS + "/fsx", QuotaGiB: -1, RootID: "fh:1:d4849800fff04b9b",
	}, {
		ID: v1ZFSVol, FileSystemID: v1ZFS, ParentID: v1ZFSRoot, Type: fsxd.TypeOpenZFS, Name: "projects", Lifecycle: fsxd.Available,
		CreationTime: at("2026-12-05T10:11:37.066822378Z"), Dir: v1Dir + v1ZFS + "/fsx/projects", QuotaGiB: 10,
		RootID: "fh:1:a881980039c301d0", Tags: []fsxd.Tag{{Key: "team", Value: "data"}},
	}, {
		ID: v1SVMRoot, FileSystemID: v1ONTAP, SVMID: v1SVM, Type: fsxd.TypeONTAP, Name: "svm1_root", Lifecycle: fsxd.Created,
		CreationTime: at("2026-12-05T10:11:37.482069928Z"), Dir: v1Dir + v1ONTAP + "/" + v1SVM, JunctionPath: "/",
		SecurityStyle: "UNIX", RootID: "fh:1:d8849800a6e5f277",
	}, {
		ID: v1ONTAPV, FileSystemID: v1ONTAP, SVMID: v1SVM, Type: fsxd.TypeONTAP, Name: "data", Lifecycle: fsxd.Created,
		CreationTime: at("2026-12-05T10:11:37.662615936Z"), Dir: v1Dir + v1ONTAP + "/" + v1SVM + "/data", JunctionPath: "/data",
		SecurityStyle: "MIXED", RootID: "fh:1:d9849800a92f3c17",
	}}
	for _, v := range vols {
		want(t, tx, store.Volumes, v.ID, v, func(r *fsxd.Volume) { wire(t, &r.Wire, `"VolumeId":"`+v.ID+`"`) })
	}
	return wantKeys(t, tx, store.Volumes, v1ONTAPV, v1ZFSRoot, v1ZFSVol, v1SVMRoot)
}

func v1Attachments(t *testing.T, tx *store.Tx) error {
	posix := func(id uint32) *fsxd.PosixIdentity {
		return &fsxd.PosixIdentity{UID: id, GID: id, Groups: []uint32{4000}}
	}
	created := at("2026-12-05T10:11:37.863Z")
	aps := []*fsxd.Attachment{{
		Name: "fixture-ap", Type: fsxd.TypeOpenZFS, Lifecycle: fsxd.Available, CreationTime: created,
		VolumeID: v1ZFSVol, FileSystemID: v1ZFS, Alias: "fixture-ap-q9dg7er8cw-ext-s3alias",
		Policy:     `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:us-east-1:123456789012:accesspoint/fixture-ap/object/*"}]}`,
		PolicyTime: created, IdentityType: fsxd.IdentityPOSIX, Posix: posix(1001), Resolved: posix(1001),
	}, {
		Name: "fixture-creating", Type: fsxd.TypeOpenZFS, Lifecycle: fsxd.Creating, CreationTime: at("2026-12-05T10:11:38.215Z"),
		VolumeID: v1ZFSRoot, FileSystemID: v1ZFS, Alias: "fixture-creating-k6hxnjwjfa-ext-s3alias",
		PolicyTime: time.Time{}, IdentityType: fsxd.IdentityPOSIX, Posix: posix(1003),
	}, {
		Name: "fixture-deleting", Type: fsxd.TypeOpenZFS, Lifecycle: fsxd.Deleting, CreationTime: at("2026-12-05T10:11:37.878Z"),
		VolumeID: v1ZFSVol, FileSystemID: v1ZFS, Alias: "fixture-deleting-othgqlhxmt-ext-s3alias",
		IdentityType: fsxd.IdentityPOSIX, Posix: posix(1002), Resolved: posix(1002),
	}, {
		Name: "fixture-ontap", Type: fsxd.TypeONTAP, Lifecycle: fsxd.Failed,
		Reason:       "UNIX user nobody-here not found in the name service of " + v1SVM,
		CreationTime: at("2026-12-05T10:11:37.868Z"), VolumeID: v1ONTAPV, FileSystemID: v1ONTAP,
		Alias: "fixture-ontap-dwho1yrhl5-ext-s3alias", IdentityType: fsxd.IdentityUNIX, UserName: "nobody-here",
	}}
	for _, a := range aps {
		want(t, tx, store.Attachments, a.Name, a, nil)
	}
	return wantKeys(t, tx, store.Attachments, "fixture-ap", "fixture-creating", "fixture-deleting", "fixture-ontap")
}

func v1Aliases(t *testing.T, tx *store.Tx) error {
	aliases := map[string]string{
		"fixture-ap-q9dg7er8cw-ext-s3alias":       "fixture-ap",
		"fixture-creating-k6hxnjwjfa-ext-s3alias": "fixture-creating",
		"fixture-deleting-othgqlhxmt-ext-s3alias": "fixture-deleting",
		"fixture-ontap-dwho1yrhl5-ext-s3alias":    "fixture-ontap",
	}
	for alias, name := range aliases {
		want(t, tx, store.Aliases, alias, &store.Alias{Name: name}, nil)
	}
	return wantKeys(t, tx, store.Aliases, "fixture-ap-q9dg7er8cw-ext-s3alias", "fixture-creating-k6hxnjwjfa-ext-s3alias",
		"fixture-deleting-othgqlhxmt-ext-s3alias", "fixture-ontap-dwho1yrhl5-ext-s3alias")
}

func v1Pending(t *testing.T, tx *store.Tx) error {
	want(t, tx, store.PendingAttachments, "fixture-creating", &store.PendingAttachment{
		Name: "fixture-creating", Lifecycle: fsxd.Creating, Since: at("2026-12-05T10:11:38.215Z"),
	}, nil)
	want(t, tx, store.PendingAttachments, "fixture-deleting", &store.PendingAttachment{
		Name: "fixture-deleting", Lifecycle: fsxd.Deleting, Since: at("2026-12-05T10:11:38.264Z"),
	}, nil)
	return wantKeys(t, tx, store.PendingAttachments, "fixture-creating", "fixture-deleting")
}
