package volume

import (
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestCopyTreeMetadata: a copy keeps bytes, modes, owners, times, xattrs
// and symlinks; object Meta stays valid (same ETag) on the new inodes;
// skipped entries and upload temp files are left out.
func TestCopyTreeMetadata(t *testing.T) {
	needRoot(t)
	r, src := newRoot(t, Options{Enforce: Kernel})
	mustPut(t, r.As(alice), "docs/a.txt", "alpha")
	if _, err := r.As(alice).Mkdir(ctx, key(t, "marker/"), Meta{DirMarker: true}); err != nil {
		t.Fatal(err)
	}
	mkfile(t, src, "beside/b.bin", 0o640, 1002, 2002, "bravo")
	mkdir(t, src, "child-volume", 0o755, 0, 0)
	mkfile(t, src, "child-volume/c.txt", 0o644, 0, 0, "not in the parent's copy")
	mkfile(t, src, "docs/"+tempPrefix+"x", 0o600, 0, 0, "half an upload")
	if err := unix.Setxattr(filepath.Join(src, "beside/b.bin"), "user.color", []byte("blue"), 0); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../docs/a.txt", filepath.Join(src, "beside/link")); err != nil {
		t.Fatal(err)
	}
	old := time.Date(2001, 2, 3, 4, 5, 6, 7, time.UTC)
	for _, p := range []string{"beside/b.bin", "beside", "docs"} {
		if err := os.Chtimes(filepath.Join(src, p), old, old); err != nil {
			t.Fatal(err)
		}
	}
	dst := filepath.Join(t.TempDir(), "snap")
	stats, err := CopyTree(src, dst, CopyOptions{Skip: func(rel string) bool { return rel == "child-volume" }})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Files != 2 || stats.Symlinks != 1 || stats.Bytes != int64(len("alpha")+len("bravo")) {
		t.Errorf("stats = %+v", stats)
	}
	got := listDir(t, dst)
	slices.Sort(got)
	want := []string{"beside", "beside/b.bin", "beside/link", "docs", "docs/a.txt", "marker"}
	if !slices.Equal(got, want) {
		t.Fatalf("copy holds %q, want %q", got, want)
	}
	for _, p := range []string{"", "beside", "beside/b.bin", "beside/link", "docs", "docs/a.txt", "marker"} {
		sameEntry(t, filepath.Join(src, p), filepath.Join(dst, p))
	}
	if v, _ := xattrOf(filepath.Join(dst, "beside/b.bin"), "user.color"); v != "blue" {
		t.Errorf("user.color = %q", v)
	}
	cp, err := OpenRoot(dst, Options{Enforce: Kernel})
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	in, err := cp.As(alice).Stat(ctx, key(t, "docs/a.txt"))
	if err != nil || in.Meta == nil || in.Meta.ETag != "etag-docs/a.txt" || in.Meta.ContentType != "text/plain" {
		t.Errorf("copied object: %+v, meta %+v, err %v", in, in.Meta, err)
	}
	raw, _ := xattrOf(filepath.Join(dst, "marker"), metaXattr)
	var st unix.Stat_t
	unix.Stat(filepath.Join(dst, "marker"), &st)
	if m, err := decodeMeta([]byte(raw)); err != nil || !m.DirMarker || !m.Stamp.matches(&st) {
		t.Errorf("copied directory marker lost its Meta: %+v, %v", m, err)
	}
}

// sameEntry compares what a copy must keep of an entry.
func sameEntry(t *testing.T, a, b string) {
	t.Helper()
	var sa, sb unix.Stat_t
	if err := unix.Lstat(a, &sa); err != nil {
		t.Fatal(err)
	}
	if err := unix.Lstat(b, &sb); err != nil {
		t.Fatal(err)
	}
	if sa.Mode != sb.Mode || sa.Uid != sb.Uid || sa.Gid != sb.Gid || sa.Mtim != sb.Mtim {
		t.Errorf("%s: mode %o uid %d gid %d mtime %v; copy: %o %d %d %v", a, sa.Mode, sa.Uid, sa.Gid, sa.Mtim, sb.Mode, sb.Uid, sb.Gid, sb.Mtim)
	}
	if sa.Mode&unix.S_IFMT == unix.S_IFLNK {
		la, _ := os.Readlink(a)
		lb, _ := os.Readlink(b)
		if la != lb {
			t.Errorf("%s -> %q, copy -> %q", a, la, lb)
		}
	}
	if sa.Mode&unix.S_IFMT == unix.S_IFREG {
		ba, _ := os.ReadFile(a)
		bb, _ := os.ReadFile(b)
		if string(ba) != string(bb) {
			t.Errorf("%s: bytes differ", a)
		}
	}
}

func xattrOf(p, name string) (string, error) {
	buf := make([]byte, 256)
	n, err := unix.Getxattr(p, name, buf)
	if err != nil {
		return "", err
	}
	return string(buf[:n]), nil
}

// TestCopyTreeCrashLeftovers: what a kill -9 leaves mid-copy or mid-remove
// is hidden and removed by CleanCopies; the real name shows a whole copy
// or nothing, and a retried copy succeeds.
func TestCopyTreeCrashLeftovers(t *testing.T) {
	src := t.TempDir()
	os.WriteFile(filepath.Join(src, "f"), []byte("data"), 0o644)
	parent := t.TempDir()
	// A copy killed before its rename, and a removal killed midway.
	os.MkdirAll(filepath.Join(parent, copyTempPrefix+"s1", "partial"), 0o755)
	os.MkdirAll(filepath.Join(parent, copyDropPrefix+"s0", "rest"), 0o755)
	if _, err := os.Stat(filepath.Join(parent, "s1")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("an unfinished copy is visible: %v", err)
	}
	if _, err := CopyTree(src, filepath.Join(parent, "s1"), CopyOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := CopyTree(src, filepath.Join(parent, "s1"), CopyOptions{}); !errors.Is(err, ErrCopyExists) {
		t.Errorf("second copy to the same name: %v", err)
	}
	if err := CleanCopies(parent); err != nil {
		t.Fatal(err)
	}
	if got := listDir(t, parent); !slices.Equal(got, []string{"s1", "s1/f"}) {
		t.Errorf("after CleanCopies: %q", got)
	}
	if err := RemoveTree(filepath.Join(parent, "s1")); err != nil {
		t.Fatal(err)
	}
	if got := listDir(t, parent); len(got) != 0 {
		t.Errorf("after RemoveTree: %q", got)
	}
	if err := CleanCopies(filepath.Join(parent, "missing")); err != nil {
		t.Errorf("CleanCopies of a missing dir: %v", err)
	}
}

// TestCopyTreeConsistencyRule proves the rule in snapshot.go: while
// writers replace objects through the volume API, every file in a copy is
// wholly one version, and its Meta (ETag) describes exactly those bytes.
func TestCopyTreeConsistencyRule(t *testing.T) {
	r, src := newRoot(t, Options{Enforce: UserSpace, Umask: NoUmask})
	f := r.As(rootID)
	const files = 8
	version := func(k string, v int) string { return strings.Repeat(fmt.Sprintf("%s v%06d\n", k, v), 4096) }
	write := func(k string, v int) {
		w, err := f.Create(ctx, key(t, k))
		if err != nil {
			t.Error(err)
			return
		}
		body := version(k, v)
		io.WriteString(w, body)
		sum := md5.Sum([]byte(body))
		if _, err := w.Commit(Meta{ETag: hex.EncodeToString(sum[:])}, nil); err != nil {
			t.Error(err)
		}
	}
	for i := range files {
		write(fmt.Sprintf("k%d", i), 0)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := range files {
		wg.Add(1)
		go func(k string) {
			defer wg.Done()
			for v := 1; ; v++ {
				select {
				case <-stop:
					return
				default:
					write(k, v)
				}
			}
		}(fmt.Sprintf("k%d", i))
	}
	parent := t.TempDir()
	for round := range 5 {
		dst := filepath.Join(parent, fmt.Sprint(round))
		if _, err := CopyTree(src, dst, CopyOptions{}); err != nil {
			t.Fatal(err)
		}
		checkWholeVersions(t, dst, files)
	}
	close(stop)
	wg.Wait()
}

func checkWholeVersions(t *testing.T, dst string, files int) {
	t.Helper()
	cp, err := OpenRoot(dst, Options{Enforce: UserSpace, Umask: NoUmask})
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	for i := range files {
		k := fmt.Sprintf("k%d", i)
		b, err := os.ReadFile(filepath.Join(dst, k))
		if err != nil {
			t.Fatal(err)
		}
		line, _, _ := strings.Cut(string(b), "\n")
		if string(b) != strings.Repeat(line+"\n", 4096) {
			t.Fatalf("%s/%s mixes versions", dst, k)
		}
		in, err := cp.As(rootID).Stat(ctx, key(t, k))
		sum := md5.Sum(b)
		if err != nil || in.Meta == nil || in.Meta.ETag != hex.EncodeToString(sum[:]) {
			t.Fatalf("%s/%s: Meta %+v does not describe its bytes (%v)", dst, k, in.Meta, err)
		}
	}
}

// TestRestoreTree: a restore brings back the snapshot's tree and root
// metadata, keeps nested volumes, and a restore interrupted anywhere and
// run again ends in the same state.
func TestRestoreTree(t *testing.T) {
	vol := filepath.Join(t.TempDir(), "vol")
	os.MkdirAll(filepath.Join(vol, "docs"), 0o755)
	os.WriteFile(filepath.Join(vol, "docs/a"), []byte("old a"), 0o644)
	os.WriteFile(filepath.Join(vol, "b"), []byte("old b"), 0o600)
	os.Chmod(vol, 0o750)
	snap := filepath.Join(t.TempDir(), "snap")
	if _, err := CopyTree(vol, snap, CopyOptions{}); err != nil {
		t.Fatal(err)
	}
	// Changes after the snapshot, a nested volume, and the leftovers of a
	// restore killed mid-swap.
	os.WriteFile(filepath.Join(vol, "docs/a"), []byte("new a"), 0o644)
	os.Remove(filepath.Join(vol, "b"))
	os.WriteFile(filepath.Join(vol, "c"), []byte("new c"), 0o644)
	os.MkdirAll(filepath.Join(vol, "child", "x"), 0o755)
	os.MkdirAll(filepath.Join(vol, restoreStage, "docs"), 0o755)
	os.MkdirAll(filepath.Join(vol, restoreTrash, "b"), 0o755)
	os.Chmod(vol, 0o777)
	for range 2 {
		if _, err := RestoreTree(snap, vol, func(n string) bool { return n == "child" }, nil); err != nil {
			t.Fatal(err)
		}
		got := listDir(t, vol)
		slices.Sort(got)
		if want := []string{"b", "child", "child/x", "docs", "docs/a"}; !slices.Equal(got, want) {
			t.Fatalf("restored tree %q, want %q", got, want)
		}
		for _, p := range []string{"", "b", "docs", "docs/a"} {
			sameEntry(t, filepath.Join(snap, p), filepath.Join(vol, p))
		}
	}
}

// TestTreeSum: a copy sums like its source; any change of bytes, mode or
// owner changes the sum.
func TestTreeSum(t *testing.T) {
	src := t.TempDir()
	os.MkdirAll(filepath.Join(src, "d"), 0o755)
	os.WriteFile(filepath.Join(src, "d/f"), []byte("data"), 0o644)
	dst := filepath.Join(t.TempDir(), "copy")
	if _, err := CopyTree(src, dst, CopyOptions{}); err != nil {
		t.Fatal(err)
	}
	a, err1 := TreeSum(src)
	b, err2 := TreeSum(dst)
	if err1 != nil || err2 != nil || a != b {
		t.Fatalf("sums %s %s (%v %v)", a, b, err1, err2)
	}
	os.Chmod(filepath.Join(dst, "d/f"), 0o600)
	if c, _ := TreeSum(dst); c == a {
		t.Error("a mode change left the sum alone")
	}
	os.Chmod(filepath.Join(dst, "d/f"), 0o644)
	os.WriteFile(filepath.Join(dst, "d/f"), []byte("dat4"), 0o644)
	os.Chtimes(filepath.Join(dst, "d/f"), time.Time{}, mtimeOf(t, filepath.Join(src, "d/f")))
	if c, _ := TreeSum(dst); c == a {
		t.Error("a content change left the sum alone")
	}
}

func mtimeOf(t *testing.T, p string) time.Time {
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi.ModTime()
}

// TestCleanCopiesExcept: the start-up sweep removes a crash's leftovers
// but not a copy another node is making (live), on a shared data directory.
func TestCleanCopiesExcept(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{copyTempPrefix + "live", copyTempPrefix + "dead", copyDropPrefix + "live", "live"} {
		if err := os.MkdirAll(filepath.Join(dir, n, "sub"), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := CleanCopiesExcept(dir, func(base string) bool { return base == "live" }); err != nil {
		t.Fatal(err)
	}
	for n, want := range map[string]bool{
		copyTempPrefix + "live": true, copyTempPrefix + "dead": false, copyDropPrefix + "live": false, "live": true,
	} {
		if _, err := os.Stat(filepath.Join(dir, n)); (err == nil) != want {
			t.Errorf("%s kept: %v, want %v", n, err == nil, want)
		}
	}
}
