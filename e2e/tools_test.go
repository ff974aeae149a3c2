package e2e

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// needTool finds an external client that `make test` installs
// (scripts/deps.sh). Outside CI a missing tool skips the test; in CI it
// fails, so a broken install step cannot hide behind a skip.
func needTool(t *testing.T, name string) string {
	t.Helper()
	bin, err := exec.LookPath(name)
	if err == nil {
		return bin
	}
	if os.Getenv("CI") != "" || os.Getenv("FSXD_REQUIRE_POSTGRES") != "" {
		t.Fatalf("%s is not installed (make test installs it with scripts/deps.sh): %v", name, err)
	}
	t.Skipf("%s not installed; make test installs it", name)
	return ""
}

// runTool runs an external client with env added to a clean environment
// (no AWS_* or tool settings of the machine) and fails the test, printing
// its output, if it exits non-zero. A test that hangs is stopped by the
// deadline rather than by the go test timeout.
func runTool(t *testing.T, env []string, bin string, args ...string) string {
	t.Helper()
	out, err := runToolErr(env, bin, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(bin), strings.Join(args, " "), err, out)
	}
	return out
}

func runToolErr(env []string, bin string, args ...string) (string, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(toolEnv(), env...)
	cmd.WaitDelay = time.Second
	timer := time.AfterFunc(2*time.Minute, func() { _ = cmd.Process.Kill() })
	defer timer.Stop()
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// toolEnv is the machine's environment without what would point a client
// elsewhere: AWS_*, RESTIC_*, RCLONE_*, proxies, Python paths.
func toolEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(name, "AWS_"), strings.HasPrefix(name, "RESTIC_"),
			strings.HasPrefix(name, "RCLONE_"), strings.HasPrefix(name, "PYTHON"), strings.HasPrefix(name, "XDG_"),
			strings.HasSuffix(strings.ToLower(name), "_proxy"), name == "HOME":
			continue
		}
		out = append(out, kv)
	}
	return out
}

// writeTree writes files (relative path -> content) under dir.
func writeTree(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// sameTree fails the test unless dir holds exactly files (regular files
// only; directories are implied by the paths).
func sameTree(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	seen := map[string]bool{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		want, ok := files[filepath.ToSlash(rel)]
		if !ok {
			t.Errorf("%s: unexpected file %s", dir, rel)
			return nil
		}
		got, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: %s differs (%d bytes, want %d)", dir, rel, len(got), len(want))
		}
		seen[filepath.ToSlash(rel)] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for name := range files {
		if !seen[name] {
			t.Errorf("%s: %s missing", dir, name)
		}
	}
}

// getBody reads one object through the SDK.
func getBody(t *testing.T, e *Env, alias, key string) string {
	t.Helper()
	out, err := e.S3.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(alias), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("GetObject %s: %v", key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// listKeys lists every key under the access point through the SDK.
func listKeys(t *testing.T, e *Env, alias string) []string {
	t.Helper()
	var keys []string
	p := s3.NewListObjectsV2Paginator(e.S3, &s3.ListObjectsV2Input{Bucket: aws.String(alias)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	return keys
}
