package e2e

// Nested volumes: a child volume's root is a mount point in its parent.
// Through the parent's access point nobody may remove, replace or make
// it again; what lies inside it is reachable, as
// through an NFS mount of the parent with crossmnt. A root replaced
// beside S3 makes the child's attachment MISCONFIGURED, never AVAILABLE.

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"golang.org/x/sys/unix"
)

// nestedSetup makes an OpenZFS file system whose root volume has an
// access point acting as uid 1001 (which may write the root volume, mode
// 0777) and a child volume "child" with its own access point as uid 2002.
// It returns the two aliases and the child's directory.
func nestedSetup(t *testing.T, e *Env) (parentAlias, childAlias, childDir string) {
	t.Helper()
	fsID, root := apOpenZFSFileSystem(t, e, "SINGLE_AZ_HA_2")
	child := apChildVolume(t, e, root, "child")
	alias := func(name, vol string, uid int64) string {
		out, err := e.FSx.CreateAndAttachS3AccessPoint(context.Background(), apPosix(name, vol, uid))
		if err != nil {
			t.Fatalf("attach %s: %v", name, err)
		}
		apWaitState(t, e, name, "AVAILABLE")
		return aws.ToString(out.S3AccessPointAttachment.S3AccessPoint.Alias)
	}
	return alias("parent-ap", root, 1001), alias("child-ap", child, 2002), filepath.Join(e.DataDir, "fs", fsID, "fsx", "child")
}

// nestedStatus is the HTTP status of an S3 error (0 for none).
func nestedStatus(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

func TestNestedVolumeRootCannotBeTakenOver(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	parent, child, childDir := nestedSetup(t, e)
	before := rootID(t, childDir)
	c := e.S3Client()
	pb := aws.String(parent)

	// The attack of the issue, and every other way to destroy or replace
	// the empty child root through the parent: 403 AccessDenied.
	deny := func(what string, err error) {
		t.Helper()
		if apCode(err) != "AccessDenied" || nestedStatus(err) != 403 {
			t.Errorf("%s through the parent: %v (status %d), want 403 AccessDenied", what, err, nestedStatus(err))
		}
	}
	_, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: pb, Key: aws.String("child/")})
	deny("DELETE child/", err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: pb, Key: aws.String("child/"), Body: bytes.NewReader(nil)})
	deny("PUT child/", err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: pb, Key: aws.String("child"), Body: strings.NewReader("file")})
	deny("PUT child", err)
	mustPutObject(t, c, parent, "src.txt", "source")
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: pb, Key: aws.String("child"), CopySource: aws.String(parent + "/src.txt")})
	deny("CopyObject onto child", err)
	_, err = c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: pb, Key: aws.String("child")})
	deny("CreateMultipartUpload child", err)
	del, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: pb, Delete: &s3types.Delete{Objects: []s3types.ObjectIdentifier{{Key: aws.String("child/")}}}})
	if err != nil || len(del.Errors) != 1 || aws.ToString(del.Errors[0].Code) != "AccessDenied" {
		t.Errorf("DeleteObjects child/ through the parent: %+v, %v, want one AccessDenied", del, err)
	}

	// Inside the child, the parent's identity works as over NFS with
	// crossmnt; deleting its last key does not prune the child root.
	mustPutObject(t, c, parent, "child/from-parent.txt", "p")
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: pb, Key: aws.String("child/from-parent.txt")}); err != nil {
		t.Fatalf("delete child/from-parent.txt through the parent: %v", err)
	}
	if rootID(t, childDir) != before {
		t.Fatal("the child root was replaced")
	}

	// The child still serves its own data, and the parent lists it.
	mustPutObject(t, c, child, "own.txt", "mine")
	if got := getObject(t, c, child, "own.txt"); got != "mine" {
		t.Errorf("child GET own.txt = %q", got)
	}
	if got := getObject(t, c, parent, "child/own.txt"); got != "mine" {
		t.Errorf("parent GET child/own.txt = %q", got)
	}
	list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: pb, Prefix: aws.String("child/")})
	if err != nil || len(list.Contents) != 1 || aws.ToString(list.Contents[0].Key) != "child/own.txt" {
		t.Errorf("parent list child/: %+v, %v", list, err)
	}
	if got, why := apState(t, e, "child-ap"); got != "AVAILABLE" {
		t.Errorf("child-ap is %s (%s)", got, why)
	}
}

// A child root replaced beside S3 (renamed away, a new directory made at
// its name) is not the child's: MISCONFIGURED with the reason, and the
// data plane refuses with 503 rather than serve the stranger's directory.
// Putting the original back makes it AVAILABLE again.
func TestNestedVolumeRootReplacedIsMisconfigured(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	_, child, childDir := nestedSetup(t, e)
	c := e.S3Client()
	mustPutObject(t, c, child, "own.txt", "mine")

	if err := os.Rename(childDir, childDir+".away"); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(childDir, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(childDir, "own.txt"), []byte("forged"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A check that ran between the rename and the mkdir says "missing";
	// the next one must say "replaced".
	Eventually(t, apWait, "child-ap MISCONFIGURED because its root was replaced", func() bool {
		got, why := apState(t, e, "child-ap")
		return got == "MISCONFIGURED" && strings.Contains(why, "was replaced: it is not the directory the volume was created with")
	})
	_, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(child), Key: aws.String("own.txt")})
	if apCode(err) != "ServiceUnavailable" || nestedStatus(err) != 503 {
		t.Errorf("GET through a replaced root: %v, want 503 ServiceUnavailable", err)
	}

	if err := os.RemoveAll(childDir); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(childDir+".away", childDir); err != nil {
		t.Fatal(err)
	}
	apWaitState(t, e, "child-ap", "AVAILABLE")
	Eventually(t, apWait, "child serves its own data", func() bool {
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(child), Key: aws.String("own.txt")})
		if err != nil {
			return false
		}
		defer out.Body.Close()
		b, _ := io.ReadAll(out.Body)
		return string(b) == "mine"
	})
}

func mustPutObject(t *testing.T, c *s3.Client, bucket, key, data string) {
	t.Helper()
	if _, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(data)}); err != nil {
		t.Fatalf("PUT %s/%s: %v", bucket, key, err)
	}
}

func getObject(t *testing.T, c *s3.Client, bucket, key string) string {
	t.Helper()
	out, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("GET %s/%s: %v", bucket, key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// rootID identifies the directory by its file handle, which, unlike an
// inode number, changes when the directory is removed and made again.
func rootID(t *testing.T, dir string) string {
	t.Helper()
	h, _, err := unix.NameToHandleAt(unix.AT_FDCWD, dir, 0)
	if err != nil {
		t.Fatalf("child root: %v", err)
	}
	return string(h.Bytes())
}
