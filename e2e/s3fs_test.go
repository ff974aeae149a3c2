package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// TestS3fsMount mounts an access point with s3fs-fuse (Debian's package;
// `make test` installs it), the FUSE file system over S3 that NAS users
// reach for, and checks that what it does through the mount is what an
// SDK client sees, and the other way round: writes (one in parts),
// mkdir, rename (a copy and a delete), listing, rm and rmdir.
func TestS3fsMount(t *testing.T) {
	bin := needTool(t, "s3fs")
	skipUnlessRoot(t, "s3fs mounts a FUSE file system")
	e := Start(t)
	alias := s3AccessPoint(t, e, "s3fs-ap")
	mnt := s3fsMount(t, e, bin, alias)
	c := e.S3Client()
	path := func(p string) string { return filepath.Join(mnt, filepath.FromSlash(p)) }
	write := func(p string, b []byte) {
		t.Helper()
		if err := os.WriteFile(path(p), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	small := []byte("hello from s3fs\n")
	write("small.txt", small)
	big := make([]byte, 25<<20) // above s3fs's 20 MB cut-off: sent in parts
	rand.Read(big)
	write("big.bin", big)
	if err := os.MkdirAll(path("docs/sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	write("docs/sub/a.txt", []byte("a"))
	if err := os.Rename(path("small.txt"), path("docs/moved.txt")); err != nil {
		t.Fatal(err)
	}
	if got := getObject(t, c, alias, "docs/moved.txt"); got != string(small) {
		t.Errorf("renamed file through the SDK = %q, want %q", got, small)
	}
	s3Missing(t, c, alias, "small.txt")
	if got := getObject(t, c, alias, "docs/sub/a.txt"); got != "a" {
		t.Errorf("docs/sub/a.txt through the SDK = %q", got)
	}
	head, err := c.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(alias), Key: aws.String("big.bin")})
	if err != nil || !strings.Contains(aws.ToString(head.ETag), "-") || aws.ToInt64(head.ContentLength) != int64(len(big)) {
		t.Fatalf("big.bin: %+v, %v; want a multipart ETag and %d bytes", head, err, len(big))
	}
	if got := getObject(t, c, alias, "big.bin"); got != string(big) {
		t.Fatalf("big.bin through the SDK differs (%d bytes)", len(got))
	}

	mustPutObject(t, c, alias, "sdk/hello.txt", "from the SDK")
	if got, err := os.ReadFile(path("sdk/hello.txt")); err != nil || string(got) != "from the SDK" {
		t.Fatalf("sdk/hello.txt through the mount = %q, %v", got, err)
	}
	back, err := os.ReadFile(path("big.bin"))
	if err != nil || !bytes.Equal(back, big) {
		t.Fatalf("big.bin through the mount: %d bytes, %v", len(back), err)
	}
	if got := lsMount(t, mnt); !slices.Equal(got, []string{"big.bin", "docs", "sdk"}) {
		t.Errorf("ls of the mount = %q", got)
	}
	if got := lsMount(t, path("docs")); !slices.Equal(got, []string{"moved.txt", "sub"}) {
		t.Errorf("ls docs = %q", got)
	}

	// chmod and touch through the mount rewrite the object's metadata with
	// a copy onto itself (x-amz-metadata-directive REPLACE).
	if err := os.Chmod(path("docs/moved.txt"), 0o600); err != nil {
		t.Fatalf("chmod: %v", err)
	}
	when := time.Date(2020, 2, 2, 2, 2, 2, 0, time.UTC)
	if err := os.Chtimes(path("docs/moved.txt"), when, when); err != nil {
		t.Fatalf("touch: %v", err)
	}
	if st, err := os.Stat(path("docs/moved.txt")); err != nil || st.Mode().Perm() != 0o600 || !st.ModTime().Equal(when) {
		t.Errorf("after chmod and touch: %v, %v", st, err)
	}
	if got := getObject(t, c, alias, "docs/moved.txt"); got != string(small) {
		t.Errorf("after chmod and touch, through the SDK = %q", got)
	}

	for _, p := range []string{"big.bin", "docs/sub/a.txt", "docs/sub"} {
		if err := os.Remove(path(p)); err != nil {
			t.Fatalf("rm %s: %v", p, err)
		}
	}
	for _, key := range []string{"big.bin", "docs/sub/a.txt", "docs/sub/"} {
		_, err := c.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(alias), Key: aws.String(key)})
		if nestedStatus(err) != 404 {
			t.Errorf("HEAD %s after rm through the mount: %v, want 404", key, err)
		}
	}
}

// s3fsMount mounts the access point alias at a new directory, path-style
// and SigV4-signed, and unmounts it when the test ends.
func s3fsMount(t *testing.T, e *Env, bin, alias string) string {
	t.Helper()
	mnt, dir := t.TempDir(), t.TempDir()
	pw := filepath.Join(dir, "passwd")
	if err := os.WriteFile(pw, []byte(e.Key+":"+e.Secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, alias, mnt, "-f", "-o", "url="+e.URL, "-o", "use_path_request_style",
		"-o", "passwd_file="+pw, "-o", "endpoint="+Region, "-o", "retries=1", "-o", "dbglevel=warn")
	cmd.Env = envWithout("AWS_")
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		if out, err := exec.Command("fusermount", "-u", mnt).CombinedOutput(); err != nil {
			t.Errorf("fusermount -u: %v %s", err, out)
			cmd.Process.Kill()
		}
		<-exited
		if t.Failed() {
			t.Logf("s3fs log:\n%s", log.String())
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for !isMountPoint(mnt) {
		select {
		case <-exited:
			t.Fatalf("s3fs exited before mounting:\n%s", log.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("s3fs did not mount in 10 s:\n%s", log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return mnt
}

func isMountPoint(dir string) bool {
	b, err := os.ReadFile("/proc/self/mounts")
	return err == nil && strings.Contains(string(b), " "+dir+" fuse")
}

func lsMount(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, en := range ents {
		names = append(names, en.Name())
	}
	return names
}
