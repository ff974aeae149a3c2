package e2e

import (
	"crypto/rand"
	"path/filepath"
	"strings"
	"testing"
)

// TestDuplicityWorkflow runs Debian's duplicity (boto3 backend) against
// an access point with the endpoint and credentials (docs/clients.md,
// "duplicity"): a full backup, then a restore compared with the source.
// duplicity always sends a storage class (STANDARD unless told otherwise).
// --no-encryption keeps gpg out of the test; encryption happens before
// upload and does not change what fsxd sees.
func TestDuplicityWorkflow(t *testing.T) {
	bin := needTool(t, "duplicity")
	e := Start(t)
	alias := s3AccessPoint(t, e, "dup-ap")
	home := t.TempDir()
	env := []string{
		"HOME=" + home,
		"AWS_ACCESS_KEY_ID=" + e.Key,
		"AWS_SECRET_ACCESS_KEY=" + e.Secret,
	}
	target := "boto3+s3://" + alias + "/dup/host1"
	common := []string{"--no-encryption", "--archive-dir", filepath.Join(home, "cache"),
		"--s3-endpoint-url", e.URL, "--s3-region-name", Region, "--verbosity", "warning"}
	dup := func(args ...string) string {
		t.Helper()
		return runTool(t, env, bin, append(args, common...)...)
	}

	src := t.TempDir()
	blob := make([]byte, 2<<20)
	rand.Read(blob)
	files := map[string][]byte{
		"etc/app.conf":  []byte("key = value\n"),
		"var/data.bin":  blob,
		"var/empty.log": {},
	}
	writeTree(t, src, files)

	dup("full", src, target)
	keys := strings.Join(listKeys(t, e, alias), " ")
	if !strings.Contains(keys, "dup/host1/duplicity-full.") || !strings.Contains(keys, ".manifest") {
		t.Fatalf("backup set not in the volume: %s", keys)
	}
	dst := filepath.Join(t.TempDir(), "restored")
	dup("restore", target, dst)
	sameTree(t, dst, files)
}
