package volume

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// CleanTemp may run while serving (or on another node): a live upload's
// file survives it and commits; a dead one's (no lock: its process died)
// does not.
func TestCleanTempSparesLiveWriters(t *testing.T) {
	for _, tmpfile := range []bool{true, false} {
		r, dir := newRoot(t, Options{})
		r.tmpfile = tmpfile
		f := r.As(alice)
		live, err := f.Create(ctx, key(t, "live"))
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(live, "live data")
		dead := filepath.Join(dir, tempPrefix+"dead")
		if err := os.WriteFile(dead, []byte("left by a crash"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := r.CleanTemp(); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(dead); !os.IsNotExist(err) {
			t.Errorf("tmpfile=%v: dead temp file survived: %v", tmpfile, err)
		}
		if _, err := live.Commit(Meta{ETag: "1"}, nil); err != nil {
			t.Fatalf("tmpfile=%v: live upload after CleanTemp: %v", tmpfile, err)
		}
		if b, _ := os.ReadFile(filepath.Join(dir, "live")); string(b) != "live data" {
			t.Errorf("tmpfile=%v: live upload reads %q", tmpfile, b)
		}
		if left := listDir(t, dir); slices.ContainsFunc(left, func(n string) bool { return strings.HasPrefix(n, tempPrefix) }) {
			t.Errorf("tmpfile=%v: left %v", tmpfile, left)
		}
	}
}

func TestCleanTempDir(t *testing.T) {
	_, dir := newRoot(t, Options{})
	os.MkdirAll(filepath.Join(dir, "a", "b"), 0o755)
	dead := filepath.Join(dir, "a", "b", tempPrefix+"x")
	os.WriteFile(dead, nil, 0o644)
	fifo := filepath.Join(dir, tempPrefix+"fifo")
	if err := syscall.Mkfifo(fifo, 0o666); err != nil {
		t.Fatal(err)
	}
	if err := CleanTempDir(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Errorf("nested dead temp file: %v", err)
	}
	if _, err := os.Lstat(fifo); err != nil {
		t.Errorf("a FIFO under a temp name is not a temp file: %v", err)
	}
}
