package e2e

// Disk faults: a full file system, a read-only one and a volume quota.
// The test mounts its own 8 MiB tmpfs and imports it as a volume (tag
// fsxd:import-path). Mounting needs root; outside CI the test skips
// without it, in CI (CI set) it fails.

import (
	"bytes"
	"context"
	"crypto/md5"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/fsxd/fsxd/internal/testfs"
)

func hardRemount(t *testing.T, dir string, ro bool) {
	t.Helper()
	flags := uintptr(syscall.MS_REMOUNT)
	if ro {
		flags |= syscall.MS_RDONLY
	}
	if err := syscall.Mount("", dir, "", flags, ""); err != nil {
		t.Fatalf("remount %s (ro=%v): %v", dir, ro, err)
	}
}

// hardFiles lists the regular files under dir, relative, sorted.
func hardFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	sort.Strings(out)
	return out
}

func TestHardeningDiskFullAndReadOnly(t *testing.T) {
	mnt := testfs.Tmpfs(t, "8m")
	e := Start(t, ImportRoots(filepath.Dir(mnt)))
	ctx := context.Background()
	hv := hardImportedVolume(t, e, "tmpfs-vol", mnt, 0)
	c := hardClient(e)
	b := aws.String(hv.alias)
	put := func(key string, body []byte) error {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String(key), Body: bytes.NewReader(body)})
		return err
	}
	if err := put("keep.txt", []byte("kept")); err != nil {
		t.Fatal(err)
	}

	// Fill it: 512 KiB objects until the disk refuses one.
	stored := map[string][16]byte{"keep.txt": md5.Sum([]byte("kept"))}
	var full string
	for i := 0; i < 40 && full == ""; i++ {
		key := fmt.Sprintf("fill/%02d.bin", i)
		body := bytes.Repeat([]byte{byte(i)}, 512<<10)
		switch err := put(key, body); hardCode(err) {
		case "":
			stored[key] = md5.Sum(body)
		case "InsufficientStorage":
			if hardStatus(err) != 507 {
				t.Errorf("disk full: status %d, want 507", hardStatus(err))
			}
			full = key
		default:
			t.Fatalf("PUT %s: %v", key, err)
		}
	}
	if full == "" {
		t.Fatal("an 8 MiB tmpfs never filled up")
	}
	// The refused PUT left nothing, in the tree or in listings; every
	// acknowledged object is whole.
	var want []string
	for k := range stored {
		want = append(want, k)
	}
	sort.Strings(want)
	if got := hardFiles(t, mnt); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("after ENOSPC the tree holds %v\nwant %v", got, want)
	}
	if keys, _ := hardList(t, c, hv.alias, "", ""); strings.Join(keys, ",") != strings.Join(want, ",") {
		t.Errorf("after ENOSPC LIST shows %v", keys)
	}
	for k, sum := range stored {
		if got := hardGetMD5(t, c, hv.alias, k); got != sum {
			t.Errorf("%s changed after ENOSPC", k)
		}
	}
	// An object larger than the whole disk, a copy and a multipart upload
	// are refused the same way.
	if err := put("huge.bin", bytes.Repeat([]byte("h"), 9<<20)); hardCode(err) != "InsufficientStorage" {
		t.Logf("PUT larger than the disk: %v", err) // the server may close before the SDK finishes sending
	}
	_, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String("copy.bin"), CopySource: aws.String(hv.alias + "/fill/00.bin")})
	if hardCode(err) != "InsufficientStorage" {
		t.Errorf("COPY on a full disk: %v", err)
	}
	if got := hardFiles(t, mnt); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("after refused writes the tree holds %v", got)
	}
	// Freeing space lets writes in again.
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: aws.String("fill/00.bin")}); err != nil {
		t.Fatal(err)
	}
	if err := put("after-free.txt", []byte("ok")); err != nil {
		t.Errorf("PUT after freeing space: %v", err)
	}

	// Read-only: writes are AccessDenied ("The volume is read-only."),
	// reads and listings still work.
	hardRemount(t, mnt, true)
	defer hardRemount(t, mnt, false)
	if err := put("ro.txt", []byte("x")); hardCode(err) != "AccessDenied" {
		t.Errorf("PUT on a read-only volume: %v", err)
	}
	for what, err := range map[string]error{
		"DELETE": func() error {
			_, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: aws.String("keep.txt")})
			return err
		}(),
		"COPY": func() error {
			_, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String("ro-copy"), CopySource: aws.String(hv.alias + "/keep.txt")})
			return err
		}(),
		"PutObjectTagging": func() error {
			_, err := c.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: b, Key: aws.String("keep.txt"),
				Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}})
			return err
		}(),
		"CreateMultipartUpload": func() error {
			_, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: aws.String("ro-mp")})
			return err
		}(),
	} {
		if hardCode(err) != "AccessDenied" {
			t.Errorf("%s on a read-only volume: %v", what, err)
		}
	}
	if got := hardGetMD5(t, c, hv.alias, "keep.txt"); got != md5.Sum([]byte("kept")) {
		t.Error("GET on a read-only volume")
	}
	if keys, _ := hardList(t, c, hv.alias, "", ""); len(keys) != len(want) {
		t.Errorf("LIST on a read-only volume: %v", keys)
	}
}

func hardGetMD5(t *testing.T, c *s3.Client, alias, key string) [16]byte {
	t.Helper()
	o, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(alias), Key: aws.String(key)})
	if err != nil {
		t.Errorf("GET %s: %v", key, err)
		return [16]byte{}
	}
	defer o.Body.Close()
	h := md5.New()
	io.Copy(h, o.Body)
	return [16]byte(h.Sum(nil))
}

// TestHardeningVolumeQuota: StorageCapacityQuotaGiB is enforced on PUT,
// COPY, UploadPart and UploadPartCopy, by apparent size (a sparse file
// planted beside S3 stands for a nearly full volume).
func TestHardeningVolumeQuota(t *testing.T) {
	importRoot := t.TempDir()
	e := Start(t, ImportRoots(importRoot))
	ctx := context.Background()
	dir := filepath.Join(importRoot, "quota")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// A sparse file planted beside S3: 64 KiB short of the 1 GiB quota.
	filler := filepath.Join(dir, "filler.sparse")
	if err := os.WriteFile(filler, nil, 0o644); err != nil || os.Truncate(filler, 1<<30-64<<10) != nil {
		t.Fatal(err)
	}
	hv := hardImportedVolume(t, e, "quota-vol", dir, 1)
	c := hardClient(e)
	b := aws.String(hv.alias)
	put := func(key string, n int) error {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String(key), Body: bytes.NewReader(make([]byte, n))})
		return err
	}
	if err := put("big", 128<<10); hardCode(err) != "InsufficientStorage" {
		t.Errorf("PUT over the quota: %v", err)
	}
	if err := put("fits", 40<<10); err != nil {
		t.Errorf("PUT under the quota: %v", err)
	}
	// The 40 KiB just written count at once: 40 more do not fit.
	if err := put("fits2", 40<<10); hardCode(err) != "InsufficientStorage" {
		t.Errorf("second PUT over the quota: %v", err)
	}
	_, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String("copy"), CopySource: aws.String(hv.alias + "/fits")})
	if hardCode(err) != "InsufficientStorage" {
		t.Errorf("COPY over the quota: %v", err)
	}
	mp, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: aws.String("mp")})
	if err != nil {
		t.Fatal(err)
	}
	// Parts count as PUTs do, though they are staged outside the volume.
	uploadPart := func(n int32, size int) (*s3.UploadPartOutput, error) {
		return c.UploadPart(ctx, &s3.UploadPartInput{Bucket: b, Key: aws.String("mp"), UploadId: mp.UploadId,
			PartNumber: aws.Int32(n), Body: bytes.NewReader(make([]byte, size))})
	}
	_, err = uploadPart(1, 60<<10)
	wantInsufficient(t, "UploadPart over the quota", err)
	_, err = c.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: b, Key: aws.String("mp"), UploadId: mp.UploadId,
		PartNumber: aws.Int32(1), CopySource: aws.String(hv.alias + "/fits")})
	wantInsufficient(t, "UploadPartCopy over the quota", err)
	part, err := uploadPart(1, 20<<10)
	if err != nil {
		t.Fatalf("UploadPart under the quota: %v", err)
	}
	// The admitted part leaves 4 KiB: not enough for another PUT...
	if err := put("fits3", 8<<10); hardCode(err) != "InsufficientStorage" {
		t.Errorf("PUT beside a staged part, over the quota: %v", err)
	}
	// ...but the upload completes: its object takes the parts' place.
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: b, Key: aws.String("mp"), UploadId: mp.UploadId,
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: []s3types.CompletedPart{{PartNumber: aws.Int32(1), ETag: part.ETag}}}})
	if err != nil {
		t.Errorf("CompleteMultipartUpload of admitted parts: %v", err)
	}
	// An aborted upload's parts stop counting: 4 KiB are left.
	mp2, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: aws.String("mp2")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: b, Key: aws.String("mp2"), UploadId: mp2.UploadId,
		PartNumber: aws.Int32(1), Body: bytes.NewReader(make([]byte, 4<<10))}); err != nil {
		t.Fatalf("UploadPart of the last 4 KiB: %v", err)
	}
	if err := put("fits4", 4<<10); hardCode(err) != "InsufficientStorage" {
		t.Errorf("PUT of 4 KiB beside a 4 KiB part: %v", err)
	}
	if _, err := c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: b, Key: aws.String("mp2"), UploadId: mp2.UploadId}); err != nil {
		t.Fatal(err)
	}
	if err := put("fits4", 4<<10); err != nil {
		t.Errorf("PUT of 4 KiB once the upload is aborted: %v", err)
	}
	if got := hardFiles(t, dir); strings.Join(got, ",") != "filler.sparse,fits,fits4,mp" {
		t.Errorf("refused writes left %v", got)
	}
	// Freeing space beside S3 shows at the next walk (two seconds).
	os.Remove(filler)
	Eventually(t, 10*time.Second, "quota released", func() bool { return put("big", 128<<10) == nil })
	if _, err := os.Stat(filepath.Join(dir, "big")); err != nil {
		t.Error(err)
	}
}
