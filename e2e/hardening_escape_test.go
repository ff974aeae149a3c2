package e2e

// Escapes through the S3 SDK: symlinks, hard links and special files
// planted in a volume beside S3. Whatever a name on disk points at, GET,
// HEAD, PUT, DELETE, LIST and COPY through it never read, write, block on
// or list anything outside the volume. The documented behaviour
// (docs/guarantees.md, "Isolation"):
//
//   - a symlink that leaves the volume (absolute, or climbing out with
//     "..", at any depth) is refused on read (403 AccessDenied) and not
//     listed; a key below one (a directory symlink) is refused for every
//     operation;
//   - a dangling symlink or a symlink loop is NoSuchKey and not listed;
//   - a symlink inside the volume is followed (as on the NFS mount): a
//     file symlink is listed under its own name, a directory symlink is
//     not listed or descended but keys through it resolve;
//   - FIFOs, sockets and devices are NoSuchKey and never listed; they are
//     opened O_NONBLOCK and type-checked on the fd, so nothing blocks;
//   - PUT and COPY onto any of these names replace the name itself (a new
//     regular file), and DELETE removes the name: never the target;
//   - a hard link is the file itself: its name is in the volume, so GET
//     reads it (an admin who hard-links a file into a volume shares it);
//     PUT replaces the name (the other link keeps the old bytes) and DELETE
//     drops one link.

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

const (
	outsideSecret = "OUTSIDE-SECRET-0451"
	outsideHard   = "OUTSIDE-HARD-LINKED"
)

// hardStatus is the HTTP status of an SDK error (0 if none came back).
func hardStatus(err error) int {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// escapeTree plants, in the volume directory v, links and special files
// pointing outside to out; it returns what it could not plant (a device
// needs CAP_MKNOD) and a closer for the listening socket.
func escapeTree(t *testing.T, v, out string) (skipped map[string]bool) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	rel := func(from, to string) string {
		r, err := filepath.Rel(from, to)
		must(err)
		return r
	}
	must(os.WriteFile(filepath.Join(out, "secret.txt"), []byte(outsideSecret), 0o644))
	must(os.WriteFile(filepath.Join(out, "hard.txt"), []byte(outsideHard), 0o644))
	must(os.MkdirAll(filepath.Join(v, "a", "b", "c"), 0o755))
	deep := filepath.Join(v, "a", "b", "c")
	links := map[string]string{
		"abs-passwd":      "/etc/passwd",
		"abs-out":         filepath.Join(out, "secret.txt"),
		"rel-out":         rel(v, filepath.Join(out, "secret.txt")),
		"dir-abs":         out,
		"dir-rel":         rel(v, out),
		"a/b/c/deep-file": rel(deep, filepath.Join(out, "secret.txt")),
		"a/b/c/deep-dir":  rel(deep, out),
		"a/b/c/up-in":     "../../../real.txt",
		"loop1":           "loop2",
		"loop2":           "loop1",
		"self":            "self",
		"dangling":        "nothere",
		"in-file":         "real.txt",
		"in-dir":          "a",
		"fifo-link":       "fifo",
		"dot-dot":         "..",
		"proc-root":       "/proc/self/root/etc/passwd",
	}
	for name, target := range links {
		must(os.Symlink(target, filepath.Join(v, name)))
	}
	must(os.WriteFile(filepath.Join(v, "real.txt"), []byte("inside"), 0o644))
	must(os.Link(filepath.Join(out, "hard.txt"), filepath.Join(v, "hard-out")))
	must(syscall.Mkfifo(filepath.Join(v, "fifo"), 0o666))
	must(syscall.Mkfifo(filepath.Join(deep, "fifo"), 0o666))
	ln, err := net.Listen("unix", filepath.Join(v, "sock")) // live, never accepts
	must(err)
	t.Cleanup(func() { ln.Close() })
	skipped = map[string]bool{}
	if err := syscall.Mknod(filepath.Join(v, "null"), syscall.S_IFCHR|0o666, int(1<<8|3)); err != nil {
		t.Logf("mknod char device: %v (row skipped)", err)
		skipped["null"] = true
	}
	return skipped
}

func TestHardeningEscapeSymlinksAndSpecialFiles(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	hv := hardAccessPoint(t, e, "escape-ap", 0) // root: the strongest identity
	out := t.TempDir()
	skipped := escapeTree(t, hv.dir, out)
	passwd, _ := os.ReadFile("/etc/passwd")
	c := hardClient(e)
	b := aws.String(hv.alias)

	// noLeak fails if a body shows anything from outside.
	noLeak := func(what string, body []byte) {
		t.Helper()
		s := string(body)
		if strings.Contains(s, outsideSecret) || strings.Contains(s, "root:x:0:0") || len(passwd) > 0 && strings.Contains(s, string(passwd)) {
			t.Errorf("%s leaked outside content: %.80q", what, s)
		}
	}
	get := func(key string) (string, int, string) {
		var body []byte
		var err error
		hardTimed(t, "GET "+key, func() {
			var o *s3.GetObjectOutput
			o, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String(key)})
			if err == nil {
				body, err = io.ReadAll(o.Body)
				o.Body.Close()
			}
		})
		noLeak("GET "+key, body)
		return hardCode(err), hardStatus(err), string(body)
	}
	head := func(key string) int {
		var err error
		hardTimed(t, "HEAD "+key, func() {
			_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String(key)})
		})
		if hardCode(err) == "TIMEOUT" {
			t.Errorf("HEAD %s timed out", key)
		}
		if err == nil {
			return 200
		}
		return hardStatus(err)
	}

	// Reads. want is the S3 code of GET; HEAD must give its status.
	reads := []struct {
		key, code, body string
	}{
		{"abs-passwd", "AccessDenied", ""},
		{"abs-out", "AccessDenied", ""},
		{"rel-out", "AccessDenied", ""},
		{"a/b/c/deep-file", "AccessDenied", ""},
		{"dir-abs/secret.txt", "AccessDenied", ""},
		{"dir-rel/secret.txt", "AccessDenied", ""},
		{"a/b/c/deep-dir/secret.txt", "AccessDenied", ""},
		{"dot-dot/" + filepath.Base(hv.dir) + "/real.txt", "AccessDenied", ""},
		{"proc-root", "AccessDenied", ""},
		{"loop1", "NoSuchKey", ""},
		{"self", "NoSuchKey", ""},
		{"dangling", "NoSuchKey", ""},
		{"fifo", "NoSuchKey", ""},
		{"a/b/c/fifo", "NoSuchKey", ""},
		{"fifo-link", "NoSuchKey", ""},
		{"sock", "NoSuchKey", ""},
		{"null", "NoSuchKey", ""},
		{"in-dir", "NoSuchKey", ""}, // a directory is not an object
		// Inside the volume: followed.
		{"in-file", "", "inside"},
		{"a/b/c/up-in", "", "inside"},
		{"in-dir/b/c/up-in", "", "inside"},
		// A hard link is the file: its name is in the volume.
		{"hard-out", "", outsideHard},
	}
	status := map[string]int{"": 200, "AccessDenied": 403, "NoSuchKey": 404}
	for _, r := range reads {
		if skipped[r.key] {
			continue
		}
		code, _, body := get(r.key)
		if code != r.code || body != r.body {
			t.Errorf("GET %s: %q %q, want %q %q", r.key, code, body, r.code, r.body)
		}
		if got := head(r.key); got != status[r.code] {
			t.Errorf("HEAD %s: %d, want %d", r.key, got, status[r.code])
		}
		// CopyObject reads the same way.
		_, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String("copied"), CopySource: aws.String(hv.alias + "/" + r.key)})
		if hardCode(err) != r.code {
			t.Errorf("COPY from %s: %v, want %q", r.key, err, r.code)
		}
		c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: aws.String("copied")})
	}

	// Listing shows what S3 may serve, and nothing from outside.
	keys, _ := hardList(t, c, hv.alias, "", "")
	noLeak("LIST", []byte(strings.Join(keys, "\n")))
	want := "a/b/c/up-in,hard-out,in-file,real.txt"
	if got := strings.Join(keys, ","); got != want {
		t.Errorf("LIST: %s\nwant %s", got, want)
	}
	for _, p := range []string{"dir-abs/", "dir-rel/", "a/b/c/deep-dir/", "dot-dot/", "in-dir/"} {
		if ks, ps := hardList(t, c, hv.alias, p, ""); len(ks) != 0 && p != "in-dir/" || len(ps) != 0 {
			t.Errorf("LIST prefix %s: %v %v", p, ks, ps)
		}
	}
	_, prefixes := hardList(t, c, hv.alias, "", "/")
	if got := strings.Join(prefixes, ","); got != "a/" {
		t.Errorf("LIST delimiter: prefixes %s, want a/", got)
	}

	// Writes below an escaping directory link are refused and land nowhere.
	for _, key := range []string{"dir-abs/new.txt", "dir-rel/new.txt", "a/b/c/deep-dir/new.txt", "dot-dot/new.txt"} {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String(key), Body: strings.NewReader("x")})
		if hardCode(err) != "AccessDenied" {
			t.Errorf("PUT %s: %v, want AccessDenied", key, err)
		}
		_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: aws.String(key[:strings.LastIndexByte(key, '/')] + "/secret.txt")})
		if hardCode(err) != "AccessDenied" {
			t.Errorf("DELETE below %s: %v, want AccessDenied", key, err)
		}
		_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String(key), CopySource: aws.String(hv.alias + "/real.txt")})
		if hardCode(err) != "AccessDenied" {
			t.Errorf("COPY to %s: %v, want AccessDenied", key, err)
		}
	}

	// A write through a directory symlink inside the volume lands inside.
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("in-dir/through.txt"), Body: strings.NewReader("t")}); err != nil {
		t.Errorf("PUT through in-dir: %v", err)
	} else if got, err := os.ReadFile(filepath.Join(hv.dir, "a", "through.txt")); err != nil || string(got) != "t" {
		t.Errorf("PUT through in-dir landed elsewhere: %q %v", got, err)
	}

	// Writes onto a planted name replace the name, never the target.
	for _, key := range []string{"abs-out", "a/b/c/deep-file", "loop1", "fifo", "sock", "null", "fifo-link", "hard-out"} {
		if skipped[key] {
			continue
		}
		hardTimed(t, "PUT "+key, func() {
			if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String(key), Body: strings.NewReader("replaced")}); err != nil {
				t.Errorf("PUT %s: %v", key, err)
			}
		})
		if fi, err := os.Lstat(filepath.Join(hv.dir, key)); err != nil || !fi.Mode().IsRegular() {
			t.Errorf("after PUT %s: %v %v, want a regular file", key, fi, err)
		}
	}
	if _, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String("rel-out"), CopySource: aws.String(hv.alias + "/real.txt")}); err != nil {
		t.Errorf("COPY onto rel-out: %v", err)
	}
	for _, key := range []string{"abs-passwd", "proc-root", "a/b/c/fifo", "dangling", "self", "dir-abs", "dot-dot"} {
		hardTimed(t, "DELETE "+key, func() {
			if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: aws.String(key)}); err != nil {
				t.Errorf("DELETE %s: %v", key, err)
			}
		})
		if _, err := os.Lstat(filepath.Join(hv.dir, key)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("after DELETE %s: %v, want the name gone", key, err)
		}
	}

	// Outside is untouched.
	for name, content := range map[string]string{"secret.txt": outsideSecret, "hard.txt": outsideHard} {
		if got, err := os.ReadFile(filepath.Join(out, name)); err != nil || string(got) != content {
			t.Errorf("outside %s: %q %v", name, got, err)
		}
	}
	if ents, _ := os.ReadDir(out); len(ents) != 2 {
		t.Errorf("outside directory now holds %d entries", len(ents))
	}
	if now, _ := os.ReadFile("/etc/passwd"); !bytes.Equal(now, passwd) {
		t.Error("/etc/passwd changed")
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(hv.dir), "new.txt")); err == nil {
		t.Error("a PUT through dot-dot landed in the parent volume")
	}
}

// hardList lists every key (and common prefix) under prefix.
func hardList(t *testing.T, c *s3.Client, alias, prefix, delim string) (keys, prefixes []string) {
	t.Helper()
	in := &s3.ListObjectsV2Input{Bucket: aws.String(alias), Prefix: aws.String(prefix)}
	if delim != "" {
		in.Delimiter = aws.String(delim)
	}
	p := s3.NewListObjectsV2Paginator(c, in)
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("LIST %q: %v", prefix, err)
		}
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
		for _, cp := range page.CommonPrefixes {
			prefixes = append(prefixes, aws.ToString(cp.Prefix))
		}
	}
	return keys, prefixes
}
