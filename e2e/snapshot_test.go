package e2e

// OpenZFS snapshots through the FSx API: real copies of the volume's
// tree, restored in place or cloned into new volumes.

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/fsx/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

func createSnapshot(t *testing.T, e *Env, vol, name string, tags ...types.Tag) *types.Snapshot {
	t.Helper()
	out, err := e.FSx.CreateSnapshot(context.Background(), &fsx.CreateSnapshotInput{VolumeId: aws.String(vol), Name: aws.String(name), Tags: tags})
	if err != nil {
		t.Fatalf("CreateSnapshot %s: %v", name, err)
	}
	if out.Snapshot.Lifecycle != types.SnapshotLifecycleCreating || !strings.HasPrefix(aws.ToString(out.Snapshot.SnapshotId), "fsvolsnap-") {
		t.Fatalf("CreateSnapshot answered %+v", out.Snapshot)
	}
	return out.Snapshot
}

func describeSnapshot(t *testing.T, e *Env, id string) *types.Snapshot {
	t.Helper()
	out, err := e.FSx.DescribeSnapshots(context.Background(), &fsx.DescribeSnapshotsInput{SnapshotIds: []string{id}})
	var nf *types.SnapshotNotFound
	if errors.As(err, &nf) {
		return nil
	}
	if err != nil {
		t.Fatalf("DescribeSnapshots: %v", err)
	}
	return &out.Snapshots[0]
}

func waitSnapshot(t *testing.T, e *Env, id string, want types.SnapshotLifecycle) {
	t.Helper()
	Eventually(t, fsxWait, "snapshot "+id+" "+string(want), func() bool {
		s := describeSnapshot(t, e, id)
		if want == "GONE" {
			return s == nil
		}
		return s != nil && s.Lifecycle == want
	})
}

// waitRestored waits until the volume's VOLUME_RESTORE action is done.
func waitRestored(t *testing.T, e *Env, vol string) {
	t.Helper()
	Eventually(t, fsxWait, "restore of "+vol, func() bool {
		out, err := e.FSx.DescribeVolumes(context.Background(), &fsx.DescribeVolumesInput{VolumeIds: []string{vol}})
		if err != nil {
			t.Fatal(err)
		}
		return len(out.Volumes[0].AdministrativeActions) == 0
	})
}

// fsxCode checks an FSx error's code and message (substring).
func fsxCode(t *testing.T, what string, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code || !strings.Contains(ae.ErrorMessage(), msg) {
		t.Fatalf("%s: got %v, want %s containing %q", what, err, code, msg)
	}
}

// snapAttach attaches an access point acting as uid 1001 and returns its alias.
func snapAttach(t *testing.T, e *Env, name, vol string) string {
	t.Helper()
	out, err := e.FSx.CreateAndAttachS3AccessPoint(context.Background(), apPosix(name, vol, 1001))
	if err != nil {
		t.Fatalf("attach %s: %v", name, err)
	}
	apWaitState(t, e, name, "AVAILABLE")
	return aws.ToString(out.S3AccessPointAttachment.S3AccessPoint.Alias)
}

func s3Missing(t *testing.T, c *s3.Client, bucket, key string) {
	t.Helper()
	_, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if nestedStatus(err) != 404 {
		t.Fatalf("GET %s: %v, want 404", key, err)
	}
}

// TestSnapshotRestoreAndClone is the data test: files written through S3,
// a snapshot, changes, a restore that brings the old tree back (with the
// old ETags), and a clone volume that serves the snapshot's tree.
func TestSnapshotRestoreAndClone(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	fsID, root := apOpenZFSFileSystem(t, e, "SINGLE_AZ_HA_2")
	vol := apChildVolume(t, e, root, "proj")
	alias := snapAttach(t, e, "proj-ap", vol)
	// A file the access point's identity (uid 1001) may not read.
	secret := filepath.Join(e.DataDir, "fs", fsID, "fsx", "proj", "secret.txt")
	if err := os.WriteFile(secret, []byte("root only"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := e.S3Client()
	mustPutObject(t, c, alias, "docs/a.txt", "version 1")
	mustPutObject(t, c, alias, "docs/b.txt", "b")
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(alias), Key: aws.String("docs/a.txt")})
	if err != nil {
		t.Fatal(err)
	}

	snap := createSnapshot(t, e, vol, "before")
	id := aws.ToString(snap.SnapshotId)
	waitSnapshot(t, e, id, types.SnapshotLifecycleAvailable)
	got := describeSnapshot(t, e, id)
	if got.LifecycleTransitionReason == nil || !strings.Contains(aws.ToString(got.LifecycleTransitionReason.Message), "Copied 19 bytes") {
		t.Errorf("LifecycleTransitionReason = %+v, want the copy's size", got.LifecycleTransitionReason)
	}
	if want := "arn:aws:fsx:us-east-1:" + Account + ":snapshot/" + vol + "/" + id; aws.ToString(got.ResourceARN) != want {
		t.Errorf("ResourceARN = %s, want %s", aws.ToString(got.ResourceARN), want)
	}

	mustPutObject(t, c, alias, "docs/a.txt", "version 2")
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(alias), Key: aws.String("docs/b.txt")}); err != nil {
		t.Fatal(err)
	}
	mustPutObject(t, c, alias, "new.txt", "after the snapshot")
	checkSnapDir(t, c, alias)

	out, err := e.FSx.RestoreVolumeFromSnapshot(ctx, &fsx.RestoreVolumeFromSnapshotInput{VolumeId: aws.String(vol), SnapshotId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.AdministrativeActions) != 1 || out.AdministrativeActions[0].AdministrativeActionType != types.AdministrativeActionTypeVolumeRestore {
		t.Errorf("RestoreVolumeFromSnapshot actions = %+v", out.AdministrativeActions)
	}
	waitRestored(t, e, vol)
	if got := getObject(t, c, alias, "docs/a.txt"); got != "version 1" {
		t.Errorf("restored docs/a.txt = %q", got)
	}
	if got := getObject(t, c, alias, "docs/b.txt"); got != "b" {
		t.Errorf("restored docs/b.txt = %q", got)
	}
	s3Missing(t, c, alias, "new.txt")
	again, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(alias), Key: aws.String("docs/a.txt")})
	if err != nil || aws.ToString(again.ETag) != aws.ToString(head.ETag) {
		t.Errorf("restored ETag %v (%v), want %s", again, err, aws.ToString(head.ETag))
	}

	// A clone of the snapshot is a new volume with the snapshot's tree.
	cl, err := e.FSx.CreateVolume(ctx, &fsx.CreateVolumeInput{
		VolumeType: types.VolumeTypeOpenzfs, Name: aws.String("proj-clone"),
		OpenZFSConfiguration: &types.CreateOpenZFSVolumeConfiguration{
			ParentVolumeId: aws.String(root),
			OriginSnapshot: &types.CreateOpenZFSOriginSnapshotConfiguration{SnapshotARN: got.ResourceARN, CopyStrategy: types.OpenZFSCopyStrategyClone},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	clone := aws.ToString(cl.Volume.VolumeId)
	if o := cl.Volume.OpenZFSConfiguration.OriginSnapshot; o == nil || aws.ToString(o.SnapshotARN) != aws.ToString(got.ResourceARN) || o.CopyStrategy != types.OpenZFSCopyStrategyClone {
		t.Errorf("clone OriginSnapshot = %+v", o)
	}
	apWaitVolume(t, e, clone)
	if got := getObject(t, c, snapAttach(t, e, "clone-ap", clone), "docs/a.txt"); got != "version 1" {
		t.Errorf("clone docs/a.txt = %q", got)
	}
	_, err = e.FSx.DeleteSnapshot(ctx, &fsx.DeleteSnapshotInput{SnapshotId: aws.String(id)})
	fsxCode(t, "DeleteSnapshot of a cloned snapshot", err, "BadRequest", "is in use by volume "+clone)

	// Nor may a call that deletes snapshots along with something else
	// delete one a clone uses: a restore past it without
	// DELETE_CLONED_VOLUMES, or its volume's deletion.
	later := createSnapshot(t, e, vol, "later")
	laterID := aws.ToString(later.SnapshotId)
	waitSnapshot(t, e, laterID, types.SnapshotLifecycleAvailable)
	clone2 := cloneOf(t, e, root, "proj-clone2", later)
	_, err = e.FSx.RestoreVolumeFromSnapshot(ctx, &fsx.RestoreVolumeFromSnapshotInput{VolumeId: aws.String(vol), SnapshotId: aws.String(id),
		Options: []types.RestoreOpenZFSVolumeOption{types.RestoreOpenZFSVolumeOptionDeleteIntermediateSnapshots}})
	fsxCode(t, "RestoreVolumeFromSnapshot past a cloned snapshot", err, "BadRequest", "specify the option DELETE_CLONED_VOLUMES")
	other := apChildVolume(t, e, root, "other")
	otherSnap := createSnapshot(t, e, other, "s")
	waitSnapshot(t, e, aws.ToString(otherSnap.SnapshotId), types.SnapshotLifecycleAvailable)
	clone3 := cloneOf(t, e, root, "other-clone", otherSnap)
	_, err = e.FSx.DeleteVolume(ctx, &fsx.DeleteVolumeInput{VolumeId: aws.String(other),
		OpenZFSConfiguration: &types.DeleteVolumeOpenZFSConfiguration{Options: []types.DeleteOpenZFSVolumeOption{types.DeleteOpenZFSVolumeOptionDeleteChildVolumesAndSnapshots}}})
	fsxCode(t, "DeleteVolume whose snapshot a clone uses", err, "BadRequest", "Snapshot "+aws.ToString(otherSnap.SnapshotId)+" is in use by volume "+clone3)
	for _, cl := range []string{clone2, clone3} {
		apWaitVolume(t, e, cl)
	}
	for _, sn := range []string{laterID, aws.ToString(otherSnap.SnapshotId)} {
		if got := describeSnapshot(t, e, sn); got.Lifecycle != types.SnapshotLifecycleAvailable {
			t.Errorf("cloned snapshot %s after the refused call: %s", sn, got.Lifecycle)
		}
	}
}

// cloneOf starts a CLONE of snapshot sn under parent and returns its id.
func cloneOf(t *testing.T, e *Env, parent, name string, sn *types.Snapshot) string {
	t.Helper()
	out, err := e.FSx.CreateVolume(context.Background(), &fsx.CreateVolumeInput{
		VolumeType: types.VolumeTypeOpenzfs, Name: aws.String(name),
		OpenZFSConfiguration: &types.CreateOpenZFSVolumeConfiguration{
			ParentVolumeId: aws.String(parent),
			OriginSnapshot: &types.CreateOpenZFSOriginSnapshotConfiguration{SnapshotARN: sn.ResourceARN, CopyStrategy: types.OpenZFSCopyStrategyClone},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.Volume.VolumeId)
}

// checkSnapDir: the snapshot "before" reads through .zfs/snapshot/before/
// as the access point's identity, is hidden from listings, and refuses
// writes.
func checkSnapDir(t *testing.T, c *s3.Client, alias string) {
	t.Helper()
	ctx := context.Background()
	if got := getObject(t, c, alias, ".zfs/snapshot/before/docs/a.txt"); got != "version 1" {
		t.Errorf(".zfs/snapshot/before/docs/a.txt = %q", got)
	}
	if got := getObject(t, c, alias, ".zfs/snapshot/before/docs/b.txt"); got != "b" {
		t.Errorf(".zfs/snapshot/before/docs/b.txt = %q", got)
	}
	if got := getObject(t, c, alias, "docs/a.txt"); got != "version 2" {
		t.Errorf("live docs/a.txt = %q", got)
	}
	s3Missing(t, c, alias, ".zfs/snapshot/nosuch/docs/a.txt")
	s3Missing(t, c, alias, ".zfs/snapshot/before/new.txt")
	_, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(alias), Key: aws.String(".zfs/snapshot/before/secret.txt")})
	if nestedStatus(err) != 403 {
		t.Errorf("GET of a file uid 1001 may not read, in the snapshot: %v, want 403", err)
	}
	list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(alias)})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range list.Contents {
		if strings.HasPrefix(aws.ToString(o.Key), ".zfs") {
			t.Errorf("listing shows %s", aws.ToString(o.Key))
		}
	}
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(alias), Key: aws.String(".zfs/snapshot/before/docs/a.txt"), Body: strings.NewReader("x")})
	wantS3Code(t, "PUT into a snapshot", err, "AccessDenied")
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(alias), Key: aws.String(".zfs/snapshot/before/docs/a.txt")})
	wantS3Code(t, "DELETE in a snapshot", err, "AccessDenied")
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(alias), Key: aws.String(".zfs/new"), Body: strings.NewReader("x")})
	wantS3Code(t, "PUT under .zfs", err, "AccessDenied")
	_, err = c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(alias), Key: aws.String(".zfs/snapshot/before/big")})
	wantS3Code(t, "CreateMultipartUpload in a snapshot", err, "AccessDenied")
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String(alias), Key: aws.String(".zfs/snapshot/before/docs/c.txt"), CopySource: aws.String(alias + "/docs/a.txt")})
	wantS3Code(t, "CopyObject into a snapshot", err, "AccessDenied")
	checkSnapDirListing(t, c, alias)

	// Restore one file: copy it from the snapshot to its live key.
	if _, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String(alias), Key: aws.String("docs/b.txt"), CopySource: aws.String(alias + "/.zfs/snapshot/before/docs/b.txt")}); err != nil {
		t.Fatalf("CopyObject from the snapshot: %v", err)
	}
	if got := getObject(t, c, alias, "docs/b.txt"); got != "b" {
		t.Errorf("docs/b.txt restored from the snapshot = %q", got)
	}
}

// checkSnapDirListing: a prefix under .zfs/ lists the snapshots by name,
// and their keys.
func checkSnapDirListing(t *testing.T, c *s3.Client, alias string) {
	t.Helper()
	list := func(prefix string) (keys, prefixes []string) {
		out, err := c.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(alias), Prefix: aws.String(prefix), Delimiter: aws.String("/")})
		if err != nil {
			t.Fatalf("ListObjectsV2 %s: %v", prefix, err)
		}
		for _, o := range out.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
		for _, p := range out.CommonPrefixes {
			prefixes = append(prefixes, aws.ToString(p.Prefix))
		}
		return keys, prefixes
	}
	if _, p := list(".zfs/snapshot/"); !slices.Equal(p, []string{".zfs/snapshot/before/"}) {
		t.Errorf("snapshots listed under .zfs/snapshot/: %q", p)
	}
	if k, _ := list(".zfs/snapshot/before/docs/"); !slices.Equal(k, []string{".zfs/snapshot/before/docs/a.txt", ".zfs/snapshot/before/docs/b.txt"}) {
		t.Errorf("keys of the snapshot's docs/: %q", k)
	}
}

func wantS3Code(t *testing.T, what string, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code {
		t.Errorf("%s: %v, want %s", what, err, code)
	}
}

// TestSnapshotOperations: paging, filters, renames, tags, the documented
// errors, deletion with the volume, and the copy gone from disk.
func TestSnapshotOperations(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	_, root := apOpenZFSFileSystem(t, e, "SINGLE_AZ_HA_2")
	vol := apChildVolume(t, e, root, "data")
	other := apChildVolume(t, e, root, "other")

	_, err := e.FSx.CreateSnapshot(ctx, &fsx.CreateSnapshotInput{VolumeId: aws.String("fsvol-0123456789abcdef0"), Name: aws.String("x")})
	fsxCode(t, "CreateSnapshot of a missing volume", err, "VolumeNotFound", "Volume 'fsvol-0123456789abcdef0' does not exist.")
	team := types.Tag{Key: aws.String("team"), Value: aws.String("a")}
	s1 := createSnapshot(t, e, vol, "one", team)
	_, err = e.FSx.CreateSnapshot(ctx, &fsx.CreateSnapshotInput{VolumeId: aws.String(vol), Name: aws.String("one")})
	fsxCode(t, "CreateSnapshot with a taken name", err, "BadRequest", "A snapshot named one already exists on volume "+vol)
	s2 := createSnapshot(t, e, vol, "two")
	s3 := createSnapshot(t, e, other, "three")
	ids := []string{aws.ToString(s1.SnapshotId), aws.ToString(s2.SnapshotId), aws.ToString(s3.SnapshotId)}
	for _, id := range ids {
		waitSnapshot(t, e, id, types.SnapshotLifecycleAvailable)
	}

	// Paging: one at a time, all three, then a foreign token.
	var seen []string
	var token *string
	for {
		out, err := e.FSx.DescribeSnapshots(ctx, &fsx.DescribeSnapshotsInput{MaxResults: aws.Int32(1), NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range out.Snapshots {
			seen = append(seen, aws.ToString(s.SnapshotId))
		}
		if token = out.NextToken; token == nil {
			break
		}
	}
	if len(seen) != 3 {
		t.Errorf("paged through %v, want 3 snapshots", seen)
	}
	_, err = e.FSx.DescribeSnapshots(ctx, &fsx.DescribeSnapshotsInput{NextToken: aws.String("bm90IGEgdG9rZW4=")})
	fsxCode(t, "DescribeSnapshots with a bad token", err, "BadRequest", "The NextToken value is invalid.")
	out, err := e.FSx.DescribeSnapshots(ctx, &fsx.DescribeSnapshotsInput{Filters: []types.SnapshotFilter{{Name: types.SnapshotFilterNameVolumeId, Values: []string{vol}}}})
	if err != nil || len(out.Snapshots) != 2 {
		t.Errorf("volume-id filter: %d snapshots, %v", len(out.Snapshots), err)
	}
	_, err = e.FSx.DescribeSnapshots(ctx, &fsx.DescribeSnapshotsInput{SnapshotIds: []string{"fsvolsnap-0123456789abcdef0"}})
	fsxCode(t, "DescribeSnapshots of a missing id", err, "SnapshotNotFound", "Snapshot 'fsvolsnap-0123456789abcdef0' does not exist.")

	// Rename; tags on the snapshot ARN.
	up, err := e.FSx.UpdateSnapshot(ctx, &fsx.UpdateSnapshotInput{SnapshotId: s2.SnapshotId, Name: aws.String("renamed")})
	if err != nil || aws.ToString(up.Snapshot.Name) != "renamed" {
		t.Errorf("UpdateSnapshot: %+v, %v", up, err)
	}
	_, err = e.FSx.UpdateSnapshot(ctx, &fsx.UpdateSnapshotInput{SnapshotId: aws.String("fsvolsnap-0123456789abcdef0"), Name: aws.String("x")})
	fsxCode(t, "UpdateSnapshot of a missing id", err, "SnapshotNotFound", "does not exist.")
	tags, err := e.FSx.ListTagsForResource(ctx, &fsx.ListTagsForResourceInput{ResourceARN: s1.ResourceARN})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "team" {
		t.Errorf("ListTagsForResource of a snapshot: %+v, %v", tags, err)
	}
	if _, err := e.FSx.TagResource(ctx, &fsx.TagResourceInput{ResourceARN: s2.ResourceARN, Tags: []types.Tag{team}}); err != nil {
		t.Errorf("TagResource of a snapshot: %v", err)
	}

	// Restoring to "one" needs the later "renamed" gone.
	_, err = e.FSx.RestoreVolumeFromSnapshot(ctx, &fsx.RestoreVolumeFromSnapshotInput{VolumeId: aws.String(vol), SnapshotId: s1.SnapshotId})
	fsxCode(t, "RestoreVolumeFromSnapshot past a later snapshot", err, "BadRequest", "specify the option DELETE_INTERMEDIATE_SNAPSHOTS")
	_, err = e.FSx.RestoreVolumeFromSnapshot(ctx, &fsx.RestoreVolumeFromSnapshotInput{VolumeId: aws.String(other), SnapshotId: s1.SnapshotId})
	fsxCode(t, "RestoreVolumeFromSnapshot from another volume's snapshot", err, "BadRequest", "is not a snapshot of volume "+other)
	_, err = e.FSx.RestoreVolumeFromSnapshot(ctx, &fsx.RestoreVolumeFromSnapshotInput{VolumeId: aws.String("fsvol-0123456789abcdef0"), SnapshotId: s1.SnapshotId})
	fsxCode(t, "RestoreVolumeFromSnapshot of a missing volume", err, "VolumeNotFound", "does not exist.")
	if _, err := e.FSx.RestoreVolumeFromSnapshot(ctx, &fsx.RestoreVolumeFromSnapshotInput{
		VolumeId: aws.String(vol), SnapshotId: s1.SnapshotId, Options: []types.RestoreOpenZFSVolumeOption{types.RestoreOpenZFSVolumeOptionDeleteIntermediateSnapshots},
	}); err != nil {
		t.Fatal(err)
	}
	waitSnapshot(t, e, ids[1], "GONE")
	waitRestored(t, e, vol)

	// A volume with snapshots goes only with them.
	_, err = e.FSx.DeleteVolume(ctx, &fsx.DeleteVolumeInput{VolumeId: aws.String(vol)})
	fsxCode(t, "DeleteVolume with snapshots", err, "BadRequest", "specify the option DELETE_CHILD_VOLUMES_AND_SNAPSHOTS")
	if _, err := e.FSx.DeleteVolume(ctx, &fsx.DeleteVolumeInput{VolumeId: aws.String(vol), OpenZFSConfiguration: &types.DeleteVolumeOpenZFSConfiguration{
		Options: []types.DeleteOpenZFSVolumeOption{types.DeleteOpenZFSVolumeOptionDeleteChildVolumesAndSnapshots},
	}}); err != nil {
		t.Fatal(err)
	}
	waitSnapshot(t, e, ids[0], "GONE")

	del, err := e.FSx.DeleteSnapshot(ctx, &fsx.DeleteSnapshotInput{SnapshotId: aws.String(ids[2])})
	if err != nil || del.Lifecycle != types.SnapshotLifecycleDeleting {
		t.Fatalf("DeleteSnapshot: %+v, %v", del, err)
	}
	waitSnapshot(t, e, ids[2], "GONE")
	_, err = e.FSx.DeleteSnapshot(ctx, &fsx.DeleteSnapshotInput{SnapshotId: aws.String(ids[2])})
	fsxCode(t, "DeleteSnapshot of a deleted snapshot", err, "SnapshotNotFound", "does not exist.")
	if left, _ := os.ReadDir(filepath.Join(e.DataDir, "snapshots")); len(left) != 0 {
		t.Errorf("snapshot copies left on disk: %v", left)
	}
}

// TestCopySnapshotAndUpdateVolume: a volume takes the tree of another
// volume's snapshot; CLONE is refused.
func TestCopySnapshotAndUpdateVolume(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	fsID, root := apOpenZFSFileSystem(t, e, "SINGLE_AZ_HA_2")
	src := apChildVolume(t, e, root, "src")
	dst := apChildVolume(t, e, root, "dst")
	base := filepath.Join(e.DataDir, "fs", fsID, "fsx")
	os.WriteFile(filepath.Join(base, "src", "f"), []byte("from src"), 0o644)
	os.WriteFile(filepath.Join(base, "dst", "old"), []byte("old"), 0o644)
	snap := createSnapshot(t, e, src, "s")
	waitSnapshot(t, e, aws.ToString(snap.SnapshotId), types.SnapshotLifecycleAvailable)
	_, err := e.FSx.CopySnapshotAndUpdateVolume(ctx, &fsx.CopySnapshotAndUpdateVolumeInput{VolumeId: aws.String(dst), SourceSnapshotARN: snap.ResourceARN, CopyStrategy: types.OpenZFSCopyStrategyClone})
	fsxCode(t, "CopySnapshotAndUpdateVolume with CLONE", err, "BadRequest", "CLONE is not valid")
	out, err := e.FSx.CopySnapshotAndUpdateVolume(ctx, &fsx.CopySnapshotAndUpdateVolumeInput{VolumeId: aws.String(dst), SourceSnapshotARN: snap.ResourceARN, CopyStrategy: types.OpenZFSCopyStrategyFullCopy})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.AdministrativeActions) != 1 || out.AdministrativeActions[0].AdministrativeActionType != types.AdministrativeActionTypeVolumeUpdateWithSnapshot {
		t.Errorf("actions %+v", out.AdministrativeActions)
	}
	waitRestored(t, e, dst)
	sameTrees(t, "volume updated from another volume's snapshot", treeOf(t, filepath.Join(base, "dst")), treeOf(t, filepath.Join(base, "src")))
}
