package e2e

import (
	"bytes"
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestRcloneRoundTrip drives the server with a second, independent S3
// client: rclone (Debian's package; `make test` installs it).
func TestRcloneRoundTrip(t *testing.T) {
	bin := needTool(t, "rclone")
	e := Start(t)
	alias := s3AccessPoint(t, e, "rclone-ap")
	rc := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, append([]string{"--retries", "1", "--low-level-retries", "1"}, args...)...)
		cmd.Env = append(envWithout("AWS_"),
			"RCLONE_CONFIG_FSXD_TYPE=s3",
			"RCLONE_CONFIG_FSXD_PROVIDER=Other",
			"RCLONE_CONFIG_FSXD_ENDPOINT="+e.URL,
			"RCLONE_CONFIG_FSXD_ACCESS_KEY_ID="+e.Key,
			"RCLONE_CONFIG_FSXD_SECRET_ACCESS_KEY="+e.Secret,
			"RCLONE_CONFIG_FSXD_REGION="+Region,
			"RCLONE_CONFIG_FSXD_FORCE_PATH_STYLE=true",
			"RCLONE_CONFIG_FSXD_NO_CHECK_BUCKET=true",
			"RCLONE_CONFIG=/dev/null",
		)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("rclone %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}

	dir := t.TempDir()
	small := []byte("hello from rclone\n")
	big := make([]byte, 9<<20) // above the 5 MiB cutoff below: rclone uploads it in parts
	rand.Read(big)
	os.WriteFile(filepath.Join(dir, "small.txt"), small, 0o644)
	os.WriteFile(filepath.Join(dir, "big.bin"), big, 0o644)

	rc("copyto", filepath.Join(dir, "small.txt"), "fsxd:"+alias+"/docs/small.txt")
	rc("copyto", "--s3-upload-cutoff", "5M", "--s3-chunk-size", "5M", filepath.Join(dir, "big.bin"), "fsxd:"+alias+"/data/big.bin")

	if got := rc("cat", "fsxd:"+alias+"/docs/small.txt"); got != string(small) {
		t.Fatalf("rclone cat = %q, want %q", got, small)
	}
	rc("copyto", "fsxd:"+alias+"/data/big.bin", filepath.Join(dir, "back.bin"))
	back, _ := os.ReadFile(filepath.Join(dir, "back.bin"))
	if !bytes.Equal(back, big) {
		t.Fatalf("big object came back different (%d bytes, want %d)", len(back), len(big))
	}
	lsf := func() string {
		lines := strings.Fields(rc("lsf", "-R", "fsxd:"+alias))
		sort.Strings(lines)
		return strings.Join(lines, " ")
	}
	if got := lsf(); got != "data/ data/big.bin docs/ docs/small.txt" {
		t.Fatalf("rclone lsf -R = %q", got)
	}
	rc("deletefile", "fsxd:"+alias+"/docs/small.txt")
	if got := lsf(); got != "data/ data/big.bin" {
		t.Fatalf("after delete, rclone lsf -R = %q", got)
	}
}

// envWithout is the environment minus variables with the prefix (the
// machine's AWS_* settings, such as a CA bundle, are not this server's).
func envWithout(prefix string) []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, prefix) {
			out = append(out, kv)
		}
	}
	return out
}
