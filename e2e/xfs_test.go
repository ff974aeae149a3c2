package e2e

// A volume on XFS with reflinks, as an operator serving an existing XFS
// disk would run fsxd: the machine's own disk is ext4, so this is the one
// end-to-end test of the clone paths (multipart assembly, snapshots).

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/fsxd/fsxd/internal/testfs"
	"github.com/fsxd/fsxd/server"
)

// TestXFSVolume: an object uploaded in parts of unequal sizes (so
// Complete assembles it from the slot file and a part file, cloning the
// aligned ranges) reads back byte for byte with a multipart ETag, and a
// snapshot of the volume is made by reflink: its message says so and the
// object's blocks are then shared with the snapshot's copy.
func TestXFSVolume(t *testing.T) {
	skipUnlessRoot(t, "mounting an XFS image needs root")
	mnt := testfs.Image(t, "xfs", 512<<20, "mkfs.xfs", "-q", "-f", "-m", "reflink=1")
	e := Start(t, func(c *server.Config) { c.DataDir = mnt })
	ctx := context.Background()
	fsID, root := apOpenZFSFileSystem(t, e, "SINGLE_AZ_HA_2")
	vol := apChildVolume(t, e, root, "proj")
	alias := snapAttach(t, e, "proj-ap", vol)
	c := e.S3Client()

	// Part 1 fixes the slot size at 5 MiB; part 2 (6 MiB) does not fit
	// and becomes a part file; part 3, the last, goes to its slot.
	sizes := []int{5 << 20, 6 << 20, 1<<20 + 77}
	var body []byte
	mpu, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(alias), Key: aws.String("big.bin")})
	if err != nil {
		t.Fatal(err)
	}
	var parts []s3types.CompletedPart
	for i, n := range sizes {
		b := make([]byte, n)
		rand.Read(b)
		body = append(body, b...)
		out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(alias), Key: aws.String("big.bin"),
			UploadId: mpu.UploadId, PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(b)})
		if err != nil {
			t.Fatalf("UploadPart %d: %v", i+1, err)
		}
		parts = append(parts, s3types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(int32(i + 1))})
	}
	if _, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(alias), Key: aws.String("big.bin"),
		UploadId: mpu.UploadId, MultipartUpload: &s3types.CompletedMultipartUpload{Parts: parts}}); err != nil {
		t.Fatalf("CompleteMultipartUpload: %v", err)
	}
	got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(alias), Key: aws.String("big.bin")})
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(got.Body)
	got.Body.Close()
	if err != nil || !bytes.Equal(data, body) || !strings.HasSuffix(aws.ToString(got.ETag), `-3"`) {
		t.Fatalf("GET big.bin: %d bytes (%v), equal=%v, ETag %s", len(data), err, bytes.Equal(data, body), aws.ToString(got.ETag))
	}
	mustPutObject(t, c, alias, "small.txt", "hello")

	snap := createSnapshot(t, e, vol, "on-xfs")
	waitSnapshot(t, e, aws.ToString(snap.SnapshotId), types.SnapshotLifecycleAvailable)
	s := describeSnapshot(t, e, aws.ToString(snap.SnapshotId))
	var msg string
	if s.LifecycleTransitionReason != nil {
		msg = aws.ToString(s.LifecycleTransitionReason.Message)
	}
	if !strings.Contains(msg, "(reflink)") {
		t.Errorf("snapshot on XFS: LifecycleTransitionReason %q, want the reflink method", msg)
	}
	obj := filepath.Join(mnt, "fs", fsID, "fsx", "proj", "big.bin")
	if shared := testfs.SharedBytes(t, obj); shared < int64(len(body)) {
		t.Errorf("after the snapshot %d of the object's %d bytes are shared", shared, len(body))
	}
}
