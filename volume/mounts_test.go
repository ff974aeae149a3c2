package volume

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// A parent volume holding two nested roots: "child" (OpenZFS style) and
// "a/b" (an ONTAP junction below a plain directory "a"). Through the
// parent nothing may remove, make or replace them or "a"; their contents
// stay writable.
func TestMountsAreFixed(t *testing.T) {
	modes(t, func(t *testing.T, e Enforcement) {
		r, dir := newRoot(t, optsFor(e))
		mkdir(t, dir, "child", 0o777, 0, 0)
		f := r.As(alice)
		// "a" and "a/b" made Implicit by a key, before "a/b" became a mount.
		mustPut(t, f, "a/b/y.txt", "data")
		r.SetMounts([]string{"child", "a/b"})

		refused := func(what string, err error) {
			t.Helper()
			if !errors.Is(err, ErrMountPoint) || !errors.Is(err, ErrPermission) {
				t.Errorf("%s: err = %v, want ErrMountPoint (a permission error)", what, err)
			}
		}
		refused("remove child/", f.Remove(ctx, key(t, "child/")))
		refused("remove a/b/", f.Remove(ctx, key(t, "a/b/")))
		refused("remove a/", f.Remove(ctx, key(t, "a/")))
		refused("remove child", f.Remove(ctx, key(t, "child")))
		_, err := f.Mkdir(ctx, key(t, "child/"), Meta{})
		refused("mkdir child/", err)
		_, err = put(t, f, "child", "x")
		refused("put child", err)
		_, err = put(t, f, "a", "x")
		refused("put a", err)
		refused("check write child", f.CheckAccess(ctx, key(t, "child"), true))
		_, err = f.SetMeta(ctx, key(t, "child/"), func(m *Meta) error { return nil })
		refused("setmeta child/", err)

		// Inside a nested root: as through an NFS mount with crossmnt.
		mustPut(t, f, "child/x.txt", "data")
		if err := f.Remove(ctx, key(t, "child/x.txt")); err != nil {
			t.Fatalf("remove child/x.txt: %v", err)
		}
		// Their Implicit marks do not let pruning remove "a/b" and "a"
		// with their last key.
		if err := f.Remove(ctx, key(t, "a/b/y.txt")); err != nil {
			t.Fatal(err)
		}
		for _, d := range []string{"child", "a", "a/b"} {
			if fi, err := os.Stat(filepath.Join(dir, d)); err != nil || !fi.IsDir() {
				t.Errorf("%s: %v, want the directory kept", d, err)
			}
		}

		// A missing nested root is not re-created, as a key or as a parent.
		if err := os.Remove(filepath.Join(dir, "child")); err != nil {
			t.Fatal(err)
		}
		_, err = put(t, f, "child/x.txt", "data")
		refused("put child/x.txt with child gone", err)
		_, err = f.Mkdir(ctx, key(t, "child/"), Meta{})
		refused("mkdir child/ with child gone", err)
		if _, err := os.Stat(filepath.Join(dir, "child")); !os.IsNotExist(err) {
			t.Errorf("child re-created: %v", err)
		}
	})
}

// A symlink made beside S3 does not lead a removal onto a nested root.
func TestMountsBySymlink(t *testing.T) {
	r, dir := newRoot(t, optsFor(UserSpace))
	mkdir(t, dir, "child", 0o777, os.Geteuid(), os.Getegid())
	mkdir(t, dir, "other", 0o777, os.Geteuid(), os.Getegid())
	if err := os.Symlink("..", filepath.Join(dir, "other", "up")); err != nil {
		t.Fatal(err)
	}
	r.SetMounts([]string{"child"})
	err := r.As(alice).Remove(ctx, key(t, "other/up/child/"))
	if !errors.Is(err, ErrMountPoint) {
		t.Fatalf("remove through symlink: err = %v, want ErrMountPoint", err)
	}
}

// DirID tells a directory from one made again at the same name, even
// when the file system hands out the same inode number.
func TestDirIDChangesWhenReplaced(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "vol")
	if err := os.Mkdir(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	before, err := DirID(dir)
	if err != nil {
		t.Fatal(err)
	}
	r, err := OpenRoot(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.ID() != before {
		t.Fatalf("Root.ID() = %q, DirID = %q", r.ID(), before)
	}
	if again, _ := DirID(dir); again != before {
		t.Fatalf("DirID not stable: %q then %q", before, again)
	}
	if err := os.Remove(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	after, err := DirID(dir)
	if err != nil {
		t.Fatal(err)
	}
	if after == before {
		t.Fatalf("DirID %q unchanged after rmdir and mkdir", after)
	}
}
