package e2e

// Imports are the operator's decision: the
// fsxd:import-path tag works only strictly below a directory the operator
// declared with --import-root, judged after symlinks and ".." are
// resolved; a root withdrawn at restart stops serving what it allowed.

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

const importTag = "fsxd:import-path"

func importTags(path string) []fsxtypes.Tag {
	return []fsxtypes.Tag{{Key: aws.String(importTag), Value: aws.String(path)}}
}

// importVolume asks for an OpenZFS child volume of parent importing path.
func importVolume(c *fsx.Client, parent, name, path string) (*fsx.CreateVolumeOutput, error) {
	return c.CreateVolume(context.Background(), &fsx.CreateVolumeInput{
		VolumeType: fsxtypes.VolumeTypeOpenzfs, Name: aws.String(name),
		OpenZFSConfiguration: &fsxtypes.CreateOpenZFSVolumeConfiguration{ParentVolumeId: aws.String(parent)},
		Tags:                 importTags(path),
	})
}

// wantRefused fails unless err is a 400 with code and a message holding
// every part of want.
func wantRefused(t *testing.T, what string, err error, code string, want ...string) {
	t.Helper()
	var ae smithy.APIError
	if err == nil || apCode(err) != code || hardStatus(err) != 400 {
		t.Errorf("%s: got %v (status %d), want 400 %s", what, err, hardStatus(err), code)
		return
	}
	if errors.As(err, &ae) {
		for _, w := range want {
			if !strings.Contains(ae.ErrorMessage(), w) {
				t.Errorf("%s: message %q lacks %q", what, ae.ErrorMessage(), w)
			}
		}
	}
}

// volumeCount is how many volumes the server reports.
func volumeCount(t *testing.T, e *Env) int {
	t.Helper()
	out, err := e.FSx.DescribeVolumes(context.Background(), &fsx.DescribeVolumesInput{})
	if err != nil {
		t.Fatal(err)
	}
	return len(out.Volumes)
}

// TestImportRefusedWithoutRoot: by default no directory can be imported,
// and the refusal names the flag that would allow it.
func TestImportRefusedWithoutRoot(t *testing.T) {
	e := Start(t)
	dir := t.TempDir()
	_, root := apOpenZFSFileSystem(t, e, "SINGLE_AZ_HA_2")
	before := volumeCount(t, e)
	_, err := importVolume(e.FSx, root, "imp", dir)
	wantRefused(t, "CreateVolume importing "+dir, err, "BadRequest", importTag, "--import-root")
	_, err = importVolume(e.FSx, root, "imp", "/etc")
	wantRefused(t, "CreateVolume importing /etc", err, "BadRequest", "--import-root")
	_, err = e.FSx.CreateFileSystem(context.Background(), &fsx.CreateFileSystemInput{
		FileSystemType: fsxtypes.FileSystemTypeOpenzfs, StorageCapacity: aws.Int32(64), SubnetIds: []string{"subnet-0123456789abcdef0"},
		OpenZFSConfiguration: &fsxtypes.CreateFileSystemOpenZFSConfiguration{DeploymentType: "SINGLE_AZ_HA_2", ThroughputCapacity: aws.Int32(160)},
		Tags:                 importTags(dir),
	})
	wantRefused(t, "CreateFileSystem importing "+dir, err, "BadRequest", "--import-root")
	if n := volumeCount(t, e); n != before {
		t.Errorf("refused imports left %d volumes, want %d", n, before)
	}
}

// importFixture is an import root holding one importable directory with a
// file, and links and paths that try to leave it.
type importFixture struct {
	root, data, outside string
}

func newImportFixture(t *testing.T) importFixture {
	t.Helper()
	base := t.TempDir()
	f := importFixture{root: filepath.Join(base, "root"), outside: filepath.Join(base, "outside")}
	f.data = filepath.Join(f.root, "data")
	for _, d := range []string{f.data, f.outside} {
		if err := os.MkdirAll(d, 0o777); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(f.data, "hello.txt"), []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(f.outside, "secret.txt"), []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{"to-etc": "/etc", "to-outside": f.outside, "to-root": "/"} {
		if err := os.Symlink(target, filepath.Join(f.root, link)); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// TestImportBelowRoot: with a root, a directory below it is imported and
// served; "/", /etc, the data directory, the root itself, links leaving
// the root and ".." tricks are refused, and nothing is created for them.
func TestImportBelowRoot(t *testing.T) {
	f := newImportFixture(t)
	e := Start(t, ImportRoots(f.root))
	_, root := apOpenZFSFileSystem(t, e, "SINGLE_AZ_HA_2")
	before := volumeCount(t, e)
	notBelow := "not strictly below an import root"
	for _, c := range []struct{ path, want string }{
		{"/", "file system root"},
		{"/etc", "/etc is a system directory"},
		{"/proc/self", "system directory"},
		{e.DataDir, "outside the fsxd data directory"},
		{filepath.Join(e.DataDir, "fs"), "outside the fsxd data directory"},
		{f.root, notBelow},
		{f.outside, notBelow},
		{filepath.Join(f.root, "to-etc"), "/etc is a system directory"},
		{filepath.Join(f.root, "to-root"), "file system root"},
		{filepath.Join(f.root, "to-outside"), notBelow},
		{filepath.Join(f.root, "..", "outside"), notBelow},
		{filepath.Join(f.data, "..", "..", "outside"), notBelow},
		{f.root + "/data/../../outside", notBelow},
		{"/nonexistent/secret", notBelow}, // existence outside a root is not revealed
		{filepath.Join(f.root, "missing"), "does not exist"},
		{"relative/data", "must be absolute"},
	} {
		_, err := importVolume(e.FSx, root, "bad", c.path)
		wantRefused(t, "import "+c.path, err, "BadRequest", c.want)
	}
	if n := volumeCount(t, e); n != before {
		t.Fatalf("refused imports left %d volumes, want %d", n, before)
	}

	alias := importAndAttach(t, e, root, "good", f.data)
	if got := importGet(t, e, alias, "hello.txt"); got != "hello" {
		t.Errorf("imported hello.txt = %q", got)
	}
	if _, err := e.S3.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(alias), Key: aws.String("new.txt"), Body: strings.NewReader("new")}); err != nil {
		t.Fatalf("PUT into the import: %v", err)
	}
	if b, err := os.ReadFile(filepath.Join(f.data, "new.txt")); err != nil || string(b) != "new" {
		t.Errorf("new.txt in the imported directory: %q, %v", b, err)
	}
}

// importAndAttach imports dir as a child of parent, attaches a uid-0
// access point named name and returns its alias.
func importAndAttach(t *testing.T, e *Env, parent, name, dir string) string {
	t.Helper()
	v, err := importVolume(e.FSx, parent, name, dir)
	if err != nil {
		t.Fatalf("import %s: %v", dir, err)
	}
	apWaitVolume(t, e, aws.ToString(v.Volume.VolumeId))
	out, err := e.FSx.CreateAndAttachS3AccessPoint(context.Background(), apPosix(name, aws.ToString(v.Volume.VolumeId), 0))
	if err != nil {
		t.Fatal(err)
	}
	apWaitState(t, e, name, "AVAILABLE")
	return aws.ToString(out.S3AccessPointAttachment.S3AccessPoint.Alias)
}

func importGet(t *testing.T, e *Env, alias, key string) string {
	t.Helper()
	out, err := e.S3.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(alias), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("GET %s: %v", key, err)
	}
	defer out.Body.Close()
	b, _ := io.ReadAll(out.Body)
	return string(b)
}

// TestImportRootWithdrawn: restarted without the root, the imported
// volume is served no more (its access point turns MISCONFIGURED with a
// reason naming the flag), and no child volume is made inside it; with
// the root back, it serves again.
func TestImportRootWithdrawn(t *testing.T) {
	f := newImportFixture(t)
	e := Start(t, ImportRoots(f.root))
	_, root := apOpenZFSFileSystem(t, e, "SINGLE_AZ_HA_2")
	alias := importAndAttach(t, e, root, "imp", f.data)
	vols, err := e.FSx.DescribeVolumes(context.Background(), &fsx.DescribeVolumesInput{})
	if err != nil {
		t.Fatal(err)
	}
	var imported string
	for _, v := range vols.Volumes {
		if aws.ToString(v.Name) == "imp" {
			imported = aws.ToString(v.VolumeId)
		}
	}

	e.cfg.ImportRoots = nil
	e.Restart()
	_, err = e.S3.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(alias), Key: aws.String("hello.txt")})
	if code := apCode(err); code != "ServiceUnavailable" || hardStatus(err) != 503 {
		t.Errorf("GET through the withdrawn import: %v (status %d), want 503 ServiceUnavailable", err, hardStatus(err))
	}
	why := apWaitState(t, e, "imp", "MISCONFIGURED")
	if !strings.Contains(why, imported) || !strings.Contains(why, "--import-root") || strings.Contains(why, f.data) {
		t.Errorf("MISCONFIGURED reason %q: want the volume id and the flag, not the server path", why)
	}
	child, err := e.FSx.CreateVolume(context.Background(), &fsx.CreateVolumeInput{
		VolumeType: fsxtypes.VolumeTypeOpenzfs, Name: aws.String("child"),
		OpenZFSConfiguration: &fsxtypes.CreateOpenZFSVolumeConfiguration{ParentVolumeId: aws.String(imported)},
	})
	if err != nil {
		t.Fatal(err)
	}
	childID := aws.ToString(child.Volume.VolumeId)
	Eventually(t, apWait, childID+" FAILED", func() bool {
		out, err := e.FSx.DescribeVolumes(context.Background(), &fsx.DescribeVolumesInput{VolumeIds: []string{childID}})
		return err == nil && out.Volumes[0].Lifecycle == fsxtypes.VolumeLifecycleFailed
	})
	if _, err := os.Lstat(filepath.Join(f.data, "child")); !os.IsNotExist(err) {
		t.Errorf("a child of the withdrawn import was made on disk: %v", err)
	}

	e.cfg.ImportRoots = []string{f.root}
	e.Restart()
	apWaitState(t, e, "imp", "AVAILABLE")
	if got := importGet(t, e, alias, "hello.txt"); got != "hello" {
		t.Errorf("after the root came back: hello.txt = %q", got)
	}
}

// TestImportRootRefusedAtStart: fsxd serve refuses to start with a root
// that is "/", a system tree, or around or inside the data directory.
func TestImportRootRefusedAtStart(t *testing.T) {
	bin := fsxdBinary(t)
	base := t.TempDir()
	data := filepath.Join(base, "data")
	if err := os.MkdirAll(filepath.Join(data, "fs"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ root, want string }{
		{"/", "file system root"},
		{"/etc", "system directory"},
		{"/proc", "system directory"},
		{"/run", "system directory"},
		{data, "data directory"},
		{filepath.Join(data, "fs"), "data directory"},
		{base, "data directory"},
		{filepath.Join(base, "missing"), "no such file"},
	} {
		out, code := runFsxd(t, bin, "serve", "--listen", "127.0.0.1:0", "--data-dir", data, "--import-root", c.root)
		if code == 0 || !strings.Contains(out, "--import-root "+c.root) || !strings.Contains(out, c.want) {
			t.Errorf("fsxd serve --import-root %s: exit %d, output %q; want a refusal saying %q", c.root, code, out, c.want)
		}
	}
	if out, _ := runFsxd(t, bin, "serve", "--help"); !strings.Contains(out, "-import-root") {
		t.Errorf("serve --help does not document --import-root:\n%s", out)
	}
}

// runFsxd runs the binary to completion (a start that should have been
// refused is killed after a while) and returns its output and exit code.
func runFsxd(t *testing.T, bin string, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return string(out), ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return string(out), 0
}
