package e2e

import (
	"crypto/rand"
	"path/filepath"
	"strings"
	"testing"
)

// TestResticWorkflow runs Debian's restic against an access point with
// only the repository URL and credentials (docs/clients.md, "restic"):
// init, backup, snapshots, check (reading every pack) and restore, and
// compares the restored tree with the source.
func TestResticWorkflow(t *testing.T) {
	bin := needTool(t, "restic")
	e := Start(t)
	alias := s3AccessPoint(t, e, "restic-ap")
	home := t.TempDir()
	env := []string{
		"HOME=" + home,
		"RESTIC_REPOSITORY=s3:" + e.URL + "/" + alias + "/backups/host1",
		"RESTIC_PASSWORD=correct horse battery staple",
		"AWS_ACCESS_KEY_ID=" + e.Key,
		"AWS_SECRET_ACCESS_KEY=" + e.Secret,
	}
	restic := func(args ...string) string {
		t.Helper()
		return runTool(t, env, bin, append([]string{"--no-cache", "--quiet"}, args...)...)
	}

	src := t.TempDir()
	blob := make([]byte, 3<<20)
	rand.Read(blob)
	files := map[string][]byte{
		"notes.txt":          []byte("restic through fsxd\n"),
		"photos/2026/a.raw":  blob,
		"photos/2026/b.raw":  blob[:1<<20], // deduplicated against a.raw
		"empty":              {},
		"deep/er/still/file": []byte("x"),
	}
	writeTree(t, src, files)

	restic("init")
	restic("backup", "--host", "h1", src)
	if snaps := restic("snapshots", "--json"); strings.Count(snaps, `"id"`) != 1 || !strings.Contains(snaps, src) {
		t.Fatalf("restic snapshots: %s", snaps)
	}
	restic("check", "--read-data")
	dst := t.TempDir()
	restic("restore", "latest", "--target", dst)
	sameTree(t, filepath.Join(dst, src), files)
	// The repository is plain files in the volume: config, keys, data packs.
	keys := strings.Join(listKeys(t, e, alias), " ")
	for _, want := range []string{"backups/host1/config", "backups/host1/keys/", "backups/host1/data/", "backups/host1/snapshots/"} {
		if !strings.Contains(keys, want) {
			t.Errorf("repository lacks %s: %s", want, keys)
		}
	}
}
