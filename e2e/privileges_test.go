package e2e

// The identity's privileges (issue 12, item 6): a thread acting as an
// access point's non-root identity holds no capability root would have,
// so ext4's root-reserved blocks stay root's.

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/fsxd/fsxd/server"
)

// ext4Mount makes a size-byte ext4 image with half its blocks reserved
// for root (mkfs.ext4 -m 50), attaches it to a loop device and mounts it
// on a fresh directory, which it returns. Unmounted and detached when the
// test ends (after servers started later have stopped).
func ext4Mount(t *testing.T, size int64) string {
	t.Helper()
	dir := t.TempDir()
	img, mnt := filepath.Join(dir, "ext4.img"), filepath.Join(dir, "mnt")
	if err := os.WriteFile(img, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(img, size); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(mnt, 0o755); err != nil {
		t.Fatal(err)
	}
	run(t, "mkfs.ext4", "-q", "-F", "-m", "50", img)
	dev := strings.TrimSpace(run(t, "losetup", "--find", "--show", img))
	t.Cleanup(func() { exec.Command("losetup", "-d", dev).Run() })
	run(t, "mount", "-t", "ext4", dev, mnt)
	t.Cleanup(func() {
		if out, err := exec.Command("umount", mnt).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", mnt, err, out)
		}
	})
	return mnt
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v: %s (scripts/deps.sh installs it)", name, args, err, out)
	}
	return string(out)
}

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
	mnt := ext4Mount(t, 48<<20)
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
