package volume

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestPruneRule(t *testing.T) {
	modes(t, func(t *testing.T, e Enforcement) {
		r, dir := newRoot(t, optsFor(e))
		f := r.As(alice)
		mkdir(t, dir, "beside", 0o777, 1001, 2001) // made beside S3: never pruned
		mustPut(t, f, "beside/x/y/file", "1")
		mustPut(t, f, "beside/x/other", "2")
		if _, err := f.Mkdir(ctx, key(t, "marked/"), Meta{}); err != nil {
			t.Fatal(err)
		}
		mustPut(t, f, "marked/sub/file", "3")
		for _, k := range []string{"beside/x/y/file", "marked/sub/file"} {
			if err := f.Remove(ctx, key(t, k)); err != nil {
				t.Fatal(err)
			}
		}
		want := []string{"beside", "beside/x", "beside/x/other", "marked"}
		if got := listDir(t, dir); !slices.Equal(got, want) {
			t.Fatalf("left %v, want %v", got, want)
		}
		if err := f.Remove(ctx, key(t, "beside/")); !errors.Is(err, ErrNotEmpty) {
			t.Fatalf("remove non-empty dir key: %v", err)
		}
		if err := f.Remove(ctx, key(t, "marked/")); err != nil {
			t.Fatalf("remove empty marker: %v", err)
		}
		if err := f.Remove(ctx, key(t, "beside")); !errors.Is(err, ErrIsDir) {
			t.Fatalf("remove dir as object key: %v", err)
		}
	})
}

func TestDirectoryObjects(t *testing.T) {
	modes(t, func(t *testing.T, e Enforcement) {
		r, dir := newRoot(t, optsFor(e))
		f := r.As(alice)
		in, err := f.Mkdir(ctx, key(t, "p/q/"), Meta{ContentType: "application/x-directory"})
		if err != nil || !in.IsDir || in.Meta == nil || !in.Meta.DirMarker || in.Key != "p/q/" {
			t.Fatalf("mkdir %+v %v", in, err)
		}
		st, err := f.Stat(ctx, key(t, "p/q/"))
		if err != nil || st.Meta == nil || !st.Meta.DirMarker || st.Meta.ContentType != "application/x-directory" {
			t.Fatalf("stat marker %+v %v", st, err)
		}
		if st, _ := f.Stat(ctx, key(t, "p/")); st.Meta == nil || !st.Meta.Implicit || st.Meta.DirMarker {
			t.Fatalf("implicit parent %+v", st.Meta)
		}
		mustPut(t, f, "p/q/file", "x") // a marker can hold keys, stays a marker
		if _, err := f.Mkdir(ctx, key(t, "p/q/file/"), Meta{}); !errors.Is(err, ErrNotDir) {
			t.Fatalf("mkdir over a file: %v", err)
		}
		if _, err := f.Open(ctx, key(t, "p/q/")); !errors.Is(err, ErrIsDir) {
			t.Fatalf("open dir key: %v", err)
		}
		if _, err := f.Create(ctx, key(t, "p/q")); !errors.Is(err, ErrIsDir) {
			t.Fatalf("create over a dir: %v", err)
		}
		f.Remove(ctx, key(t, "p/q/file"))
		if left := listDir(t, dir); !slices.Equal(left, []string{"p", "p/q"}) {
			t.Fatalf("marker must survive pruning: %v", left)
		}
		if err := f.Remove(ctx, key(t, "p/q/")); err != nil {
			t.Fatal(err)
		}
		if left := listDir(t, dir); len(left) != 0 {
			t.Fatalf("implicit parent of a removed marker stays: %v", left)
		}
	})
}

func TestRootCheck(t *testing.T) {
	r, dir := newRoot(t, Options{})
	if err := r.Check(); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 && DetectEnforcement() != Kernel || r.Enforcement() != DetectEnforcement() {
		t.Fatalf("enforcement %v, detected %v", r.Enforcement(), DetectEnforcement())
	}
	os.Rename(dir, dir+".moved")
	os.Mkdir(dir, 0o777)
	if err := r.Check(); err == nil {
		t.Fatal("replaced root passes Check")
	}
	os.Remove(dir)
	os.Remove(dir + ".moved")
	if err := r.Check(); err == nil {
		t.Fatal("removed root passes Check")
	}
	if _, err := OpenRoot(filepath.Join(dir, "missing"), Options{}); err == nil {
		t.Fatal("OpenRoot of a missing dir")
	}
}

func TestContextCancelled(t *testing.T) {
	r, _ := newRoot(t, Options{})
	c, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := r.As(alice).Stat(c, key(t, "x")); !errors.Is(err, context.Canceled) {
		t.Fatalf("stat with cancelled ctx: %v", err)
	}
}

// largeNames are keys whose entries take a/b/ past one directory block.
func largeNames(prefix string) []string {
	var names []string
	for i := range 120 {
		names = append(names, fmt.Sprintf("%s%03d%s", prefix, i, strings.Repeat("x", 97)))
	}
	return names
}

// fillLarge puts largeNames into a/b/ (and removes them again when
// emptied), and checks a/b/ is no longer small.
func fillLarge(t *testing.T, f *FS, dir string, emptied bool) {
	t.Helper()
	for _, k := range largeNames("a/b/") {
		mustPut(t, f, k, "x")
	}
	for _, k := range largeNames("a/b/") {
		if emptied {
			if err := f.Remove(ctx, key(t, k)); err != nil {
				t.Fatal(err)
			}
		}
	}
	fd, err := unix.Open(filepath.Join(dir, "a/b"), unix.O_RDONLY|unix.O_DIRECTORY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	if smallDir(fd) {
		t.Logf("a/b is still one block on this file system: the large cases test the small path")
	}
}

// TestPruneAfterRemove: Remove prunes under its own credential switch
// when it can read its directory, and with a second one (after syncDir)
// when it cannot; the pruning rule's outcome is the same either way.
// Each case removes "a/b/k" (a/ and a/b/ made Implicit by the put) and
// lists what is left.
func TestPruneAfterRemove(t *testing.T) {
	long := strings.Repeat("n", 255)
	cases := []struct {
		name  string
		setup func(t *testing.T, f *FS, dir string)
		left  []string
	}{
		{"last key", func(*testing.T, *FS, string) {}, nil},
		{"another key", func(t *testing.T, f *FS, _ string) { mustPut(t, f, "a/b/other", "x") },
			[]string{"a", "a/b", "a/b/other"}},
		{"a key of the longest name", func(t *testing.T, f *FS, _ string) { mustPut(t, f, "a/b/"+long, "x") },
			[]string{"a", "a/b", "a/b/" + long}},
		{"only a subdirectory", func(t *testing.T, f *FS, _ string) { mustPut(t, f, "a/b/c/d", "x") },
			[]string{"a", "a/b", "a/b/c", "a/b/c/d"}},
		{"a key beside", func(t *testing.T, f *FS, _ string) { mustPut(t, f, "a/sib", "x") },
			[]string{"a", "a/sib"}},
		// Past one block (smallDir false) Remove does not read the
		// directory first; pruneOne's rmdir decides.
		{"a large directory", func(t *testing.T, f *FS, dir string) { fillLarge(t, f, dir, false) },
			append([]string{"a", "a/b"}, largeNames("a/b/")...)},
		{"a large directory emptied", func(t *testing.T, f *FS, dir string) { fillLarge(t, f, dir, true) }, nil},
		// alice cannot read a/b: Remove falls back to O_PATH. With
		// xattrs she cannot read a/b's Meta either, so a/b stays (it is
		// not known to be Implicit); with MetaDir the server reads it.
		{"unreadable (write and search only)", func(t *testing.T, _ *FS, dir string) {
			if err := os.Chmod(filepath.Join(dir, "a/b"), 0o333); err != nil {
				t.Fatal(err)
			}
		}, []string{"a", "a/b"}},
		{"a marker", func(t *testing.T, f *FS, _ string) {
			if _, err := f.Mkdir(ctx, key(t, "a/b/"), Meta{}); err != nil {
				t.Fatal(err)
			}
		}, []string{"a", "a/b"}},
	}
	modes(t, func(t *testing.T, e Enforcement) {
		for _, v := range []struct{ nofsync, metadir bool }{{false, false}, {true, false}, {false, true}} {
			for _, c := range cases {
				opts := optsFor(e)
				opts.NoFsync = v.nofsync
				if v.metadir {
					opts.MetaDir, opts.forceMetaDir = t.TempDir(), true
				}
				r, dir := newRoot(t, opts)
				f := r.As(alice)
				mustPut(t, f, "a/b/k", "x")
				c.setup(t, f, dir)
				if err := f.Remove(ctx, key(t, "a/b/k")); err != nil {
					t.Fatalf("%s %+v: %v", c.name, v, err)
				}
				want := c.left
				if strings.HasPrefix(c.name, "unreadable") && v.metadir && e == Kernel {
					want = nil
				}
				if got := listDir(t, dir); !slices.Equal(got, want) {
					t.Errorf("%s %+v: left %q, want %q", c.name, v, got, want)
				}
			}
		}
	})
}

// hasEntry lets Remove skip pruning a directory that still holds an
// entry; a wrong true would leave empty Implicit directories behind.
func TestHasEntry(t *testing.T) {
	for _, c := range []struct {
		name    string
		entries []string // made in the directory; a trailing "/" a subdirectory
		churn   int      // files made, then removed, first
		flags   int
		want    bool
	}{
		{"empty", nil, 0, unix.O_RDONLY, false},
		{"one file", []string{"f"}, 0, unix.O_RDONLY, true},
		{"the longest name", []string{strings.Repeat("n", 255)}, 0, unix.O_RDONLY, true},
		{"a subdirectory", []string{"d/"}, 0, unix.O_RDONLY, true},
		{"emptied (many blocks)", nil, 3000, unix.O_RDONLY, false},
		{"one file left of many", []string{"f"}, 3000, unix.O_RDONLY, true},
		{"O_PATH: cannot tell", []string{"f"}, 0, unix.O_PATH, false},
	} {
		dir := t.TempDir()
		for i := range c.churn {
			p := filepath.Join(dir, fmt.Sprintf("churn-%06d", i))
			if err := os.WriteFile(p, nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		for i := range c.churn {
			if err := os.Remove(filepath.Join(dir, fmt.Sprintf("churn-%06d", i))); err != nil {
				t.Fatal(err)
			}
		}
		for _, e := range c.entries {
			var err error
			if d, ok := strings.CutSuffix(e, "/"); ok {
				err = os.Mkdir(filepath.Join(dir, d), 0o755)
			} else {
				err = os.WriteFile(filepath.Join(dir, e), nil, 0o644)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		fd, err := unix.Open(dir, c.flags|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := hasEntry(fd); got != c.want {
			t.Errorf("%s: hasEntry = %v, want %v", c.name, got, c.want)
		}
		unix.Close(fd)
	}
}
