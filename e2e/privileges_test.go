package e2e

// The identity's privileges (issue 12, item 6): a thread acting as an
// access point's non-root identity holds no capability root would have,
// so ext4's root-reserved blocks stay root's.

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/fsxd/fsxd/internal/testfs"
	"github.com/fsxd/fsxd/server"
)

// freeBytes is what df reports free on path's file system, root's
// reserve included, and what is available to everyone else.
func freeBytes(t *testing.T, path string) (free, avail int64) {
	t.Helper()
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		t.Fatal(err)
	}
	return int64(st.Bfree) * st.Bsize, int64(st.Bavail) * st.Bsize
}

// TestPrivilegesReservedBlocks: uid 1001 fills an ext4 file system whose
// half is reserved for root, by PUT and by UploadPart; it is refused with
// 507 InsufficientStorage where uid 1001 itself would stop, the reserve
// untouched, while root's access point still writes into the reserve.
func TestPrivilegesReservedBlocks(t *testing.T) {
	skipUnlessRoot(t, "mounting an ext4 image needs root")
	// Half its blocks reserved for root (-m 50).
	mnt := testfs.Image(t, "ext4", 48<<20, "mkfs.ext4", "-q", "-F", "-m", "50")
	e := Start(t, func(c *server.Config) { c.DataDir = mnt })
	fsID, root := apOpenZFSFileSystem(t, e, "SINGLE_AZ_HA_2")
	v := idAttach(t, e, root, filepath.Join(mnt, "fs", fsID, "fsx"), map[string]idUser{
		"alice": {uid: 1001, gid: 1001}, "root": {uid: 0, gid: 0}})
	_, avail := freeBytes(t, mnt)
	obj := bytes.Repeat([]byte("x"), 1<<20)
	put := func(ap, key string) error {
		_, err := e.S3.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(v.alias[ap]),
			Key: aws.String(key), Body: bytes.NewReader(obj)})
		return err
	}
	var err error
	n := 0
	for ; n < int(avail>>20)+8 && err == nil; n++ {
		err = put("alice", "fill/"+strconv.Itoa(n))
	}
	wantInsufficient(t, "PUT as uid 1001", err)
	if free, _ := freeBytes(t, mnt); free < 16<<20 {
		t.Errorf("uid 1001 wrote %d MiB and left %d KiB free: it wrote into root's reserve", n, free>>10)
	}
	wantInsufficient(t, "UploadPart as uid 1001", v.multipart("alice", "big", bytes.Repeat(obj, 6)))
	if err := put("root", "root/after"); err != nil {
		t.Errorf("PUT as root on a file system full for uid 1001: %v", err)
	}
}

// wantInsufficient checks err is S3's 507 InsufficientStorage.
func wantInsufficient(t *testing.T, what string, err error) {
	t.Helper()
	var re *awshttp.ResponseError
	if apCode(err) != "InsufficientStorage" || !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusInsufficientStorage {
		t.Errorf("%s on a full file system: %v, want 507 InsufficientStorage", what, err)
	}
}
