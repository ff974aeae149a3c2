package fsxapi

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestBeneathRefusesSymlinks: a symlink that a volume's user made on the
// way to a volume directory sends no make, move or remove outside the
// data dir's fs root; one at the leaf is removed, not followed.
func TestBeneathRefusesSymlinks(t *testing.T) {
	base := t.TempDir()
	root, outside := filepath.Join(base, "fs"), filepath.Join(base, "host")
	for _, d := range []string{filepath.Join(root, "vol1", "a"), filepath.Join(outside, "victim")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(outside, "victim", "precious"), []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{"link": outside, "leaf": filepath.Join(outside, "victim")} {
		if err := os.Symlink(target, filepath.Join(root, "vol1", name)); err != nil {
			t.Fatal(err)
		}
	}
	var sym *errSymlink
	for _, tt := range []struct {
		what string
		op   func() error
	}{
		{"make through a symlink", func() error { return makeDirBeneath(root, "vol1/link/pwn", 0o755) }},
		{"make over a symlink", func() error { return makeDirBeneath(root, "vol1/leaf", 0o755) }},
		{"remove through a symlink", func() error { return removeBeneath(root, "vol1/link/victim") }},
		{"move from through a symlink", func() error { return renameBeneath(root, "vol1/link/victim", "vol1/stolen") }},
		{"move to through a symlink", func() error { return renameBeneath(root, "vol1/a", "vol1/link/a") }},
		{"exists through a symlink", func() error { _, err := existsBeneath(root, "vol1/link/victim"); return err }},
	} {
		err := tt.op()
		if err == nil {
			t.Errorf("%s: no error", tt.what)
		} else if tt.what != "make over a symlink" && !errors.As(err, &sym) {
			t.Errorf("%s: %v, want errSymlink", tt.what, err)
		}
	}
	if isDirBeneath(root, "vol1/link") || !isDirBeneath(root, "vol1/a") {
		t.Error("isDirBeneath follows a symlink or misses a directory")
	}
	// The leaf symlink itself goes; what it points at stays.
	if err := removeBeneath(root, "vol1/leaf"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(filepath.Join(root, "vol1", "leaf")); !os.IsNotExist(err) {
		t.Errorf("leaf symlink still there: %v", err)
	}
	entries, _ := os.ReadDir(outside)
	if b, err := os.ReadFile(filepath.Join(outside, "victim", "precious")); err != nil || string(b) != "keep" || len(entries) != 1 {
		t.Errorf("outside the root changed: %q %v, %d entries", b, err, len(entries))
	}
	if _, err := os.Stat(filepath.Join(root, "vol1", "a")); err != nil {
		t.Errorf("refused move moved: %v", err)
	}
}

// TestBeneathOps: the same operations do their work when no symlink is in
// the way.
func TestBeneathOps(t *testing.T) {
	root := filepath.Join(t.TempDir(), "fs")
	if err := makeDirBeneath(root, "f/svm/vol1/sub", 0o777); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(root, "f/svm/vol1/sub")); err != nil || fi.Mode().Perm() != 0o777 {
		t.Fatalf("made: %v %v", fi, err)
	}
	if err := makeDirBeneath(root, "f/svm/vol1/sub", 0o700); err != nil {
		t.Fatalf("existing directory: %v", err)
	}
	if err := os.WriteFile(filepath.Join(root, "f/svm/vol1/sub/x"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := renameBeneath(root, "f/svm/vol1/sub", "f/svm/new/place/sub"); err != nil {
		t.Fatal(err)
	}
	if ok, err := existsBeneath(root, "f/svm/new/place/sub/x"); !ok || err != nil {
		t.Fatalf("after move: %v %v", ok, err)
	}
	if err := removeBeneath(root, "f/svm/new"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := existsBeneath(root, "f/svm/new"); ok {
		t.Error("removed tree still there")
	}
	if err := removeBeneath(root, "f/gone/too"); err != nil {
		t.Errorf("removing what is not there: %v", err)
	}
}
