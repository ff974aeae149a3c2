package volume

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/fsxd/fsxd"
	"golang.org/x/sys/unix"
)

// permLayout is made beside S3, as root, with explicit owners and modes.
func permLayout(t *testing.T, dir string) {
	mkdir(t, dir, "own", 0o755, 1001, 2001)
	mkfile(t, dir, "own/private", 0o600, 1001, 2001, "secret")
	mkdir(t, dir, "grp", 0o755, 0, 0)
	mkfile(t, dir, "grp/shared", 0o640, 0, 1001, "group")
	mkfile(t, dir, "rootgrp", 0o640, 0, 0, "root group")
	mkdir(t, dir, "locked", 0o700, 1002, 2002)
	mkfile(t, dir, "locked/inner", 0o644, 1002, 2002, "inner")
	mkdir(t, dir, "ro", 0o755, 1001, 2001)
	mkfile(t, dir, "ro/f", 0o666, 1001, 2001, "f")
	mkdir(t, dir, "tmp", os.ModeSticky|0o777, 0, 0) // like /tmp
	mkfile(t, dir, "tmp/alices", 0o666, 1001, 2001, "mine")
	mkfile(t, dir, "zero", 0o000, 1001, 2001, "zero")
}

func TestPermissions(t *testing.T) {
	type op func(f *FS, k string) error
	read := func(f *FS, k string) error { _, err := get(t, f, k); return err }
	stat := func(f *FS, k string) error { _, err := f.Stat(ctx, key(t, k)); return err }
	create := func(f *FS, k string) error { _, err := put(t, f, k, "x"); return err }
	remove := func(f *FS, k string) error { return f.Remove(ctx, key(t, k)) }
	walk := func(f *FS, k string) error {
		return f.Walk(ctx, WalkOptions{Prefix: k}, func(Entry) error { return nil })
	}
	mayWrite := func(f *FS, k string) error { return f.CheckAccess(ctx, key(t, k), true) }
	for _, tc := range []struct {
		who  fsxd.PosixIdentity
		name string
		do   op
		key  string
		want error
	}{
		{alice, "read", read, "own/private", nil},
		{bob, "read", read, "own/private", ErrPermission},
		{carol, "read", read, "grp/shared", nil}, // via secondary gid 1001
		{alice, "read", read, "grp/shared", ErrPermission},
		{bob, "read", read, "grp/shared", ErrPermission},
		{alice, "read", read, "rootgrp", ErrPermission}, // the server's groups never leak
		{rootID, "read", read, "zero", nil},             // uid 0 reads a 0000 file
		{alice, "read", read, "zero", ErrPermission},    // the owner has no bits
		{alice, "read", read, "locked/inner", ErrPermission},
		{alice, "stat", stat, "locked/inner", ErrPermission},
		{alice, "create", create, "locked/new", ErrPermission},
		{alice, "create", create, "locked/deeper/new", ErrPermission},
		{alice, "walk", walk, "locked/", ErrPermission},
		{alice, "walk", walk, "locked/in", ErrPermission},
		{bob, "read", read, "locked/inner", nil},
		{bob, "remove", remove, "ro/f", ErrPermission}, // needs write on the directory
		{bob, "create", create, "ro/new", ErrPermission},
		{bob, "check write", mayWrite, "ro/new", ErrPermission},
		{bob, "check write", mayWrite, "ro/a/b/new", ErrPermission},
		{bob, "replace", create, "ro/f", ErrPermission},
		{bob, "remove", remove, "tmp/alices", ErrPermission},  // sticky
		{bob, "replace", create, "tmp/alices", ErrPermission}, // sticky
		{bob, "check write", mayWrite, "tmp/alices", ErrPermission},
		{bob, "create", create, "tmp/bobs", nil},
		{alice, "check write", mayWrite, "tmp/alices", nil},
		{alice, "remove", remove, "tmp/alices", nil},
		{alice, "check write", mayWrite, "own/x/y/z", nil},
		{alice, "remove", remove, "ro/f", nil},
	} {
		modes(t, func(t *testing.T, e Enforcement) {
			r, dir := newRoot(t, optsFor(e))
			permLayout(t, dir)
			err := tc.do(r.As(tc.who), tc.key)
			if !isErr(err, tc.want) {
				t.Fatalf("%d %s %s: %v, want %v", tc.who.UID, tc.name, tc.key, err, tc.want)
			}
			if tc.want != nil {
				// Nothing partial: the layout is as it was.
				var scratch = t.TempDir()
				permLayout(t, scratch)
				if got, want := listDir(t, dir), listDir(t, scratch); fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("failed op changed the tree: %v, want %v", got, want)
				}
			}
		})
	}
}

func TestOwnershipKernel(t *testing.T) {
	needRoot(t)
	r, dir := newRoot(t, Options{Enforce: Kernel})
	mustPut(t, r.As(alice), "new/dir/file", "x")
	if _, err := r.As(alice).Mkdir(ctx, key(t, "new/marker/"), Meta{}); err != nil {
		t.Fatal(err)
	}
	for _, rel := range []string{"new", "new/dir", "new/dir/file", "new/marker"} {
		if uid, gid := owner(t, filepath.Join(dir, rel)); uid != 1001 || gid != 2001 {
			t.Errorf("%s owned %d:%d, want 1001:2001", rel, uid, gid)
		}
	}
}

// threadCreds reads the calling thread's fsuid, fsgid and groups.
func threadCreds(t testing.TB) string {
	b, err := os.ReadFile("/proc/thread-self/status")
	if err != nil {
		t.Error(err)
	}
	var uid, gid, groups string
	for line := range strings.SplitSeq(string(b), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 5 && f[0] == "Uid:":
			uid = f[4] // real, effective, saved, fs
		case len(f) == 5 && f[0] == "Gid:":
			gid = f[4]
		case len(f) >= 1 && f[0] == "Groups:":
			groups = strings.Join(f[1:], ",")
		}
	}
	return uid + ":" + gid + "/" + groups
}

func credString(id fsxd.PosixIdentity) string {
	g := make([]string, len(id.Groups))
	for i, x := range id.Groups {
		g[i] = fmt.Sprint(x)
	}
	return fmt.Sprintf("%d:%d/%s", id.UID, id.GID, strings.Join(g, ","))
}

// TestRunAsRootAfterUser reuses one thread (the test's, locked around
// every step): credentials, and with them root's CAP_DAC_OVERRIDE, must
// come back when fsuid returns to 0, whether runAs switches to uid 0
// (rootGroups) or runs inline with the restored server credentials
// (rootID).
func TestRunAsRootAfterUser(t *testing.T) {
	needRoot(t)
	_, dir := newRoot(t, Options{})
	mkfile(t, dir, "zero", 0o000, 0, 0, "z")
	rootGroups := fsxd.PosixIdentity{UID: 0, GID: 0, Groups: []uint32{5}}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	tid := unix.Gettid()
	run := func(id fsxd.PosixIdentity) (creds string, err error) {
		rerr := runAs(id, func() error {
			if got := unix.Gettid(); got != tid {
				return fmt.Errorf("runAs on thread %d, want the caller's %d", got, tid)
			}
			creds = threadCreds(t)
			_, err = os.ReadFile(filepath.Join(dir, "zero"))
			return nil
		})
		return creds, errors.Join(rerr, err)
	}
	want := func(id fsxd.PosixIdentity) string {
		if equivalent(id, serverCreds()) {
			return credString(serverCreds()) // runs inline, nothing switched
		}
		return credString(id)
	}
	for _, step := range []struct {
		id   fsxd.PosixIdentity
		want error
	}{
		{rootID, nil}, {carol, os.ErrPermission}, {rootID, nil}, {alice, os.ErrPermission},
		{rootGroups, nil}, {carol, os.ErrPermission}, {rootGroups, nil}, {rootID, nil},
	} {
		creds, err := run(step.id)
		if !isErr(err, step.want) || creds != want(step.id) {
			t.Fatalf("as %v: creds %s, read err %v, want %v", credString(step.id), creds, err, step.want)
		}
	}
	if creds := threadCreds(t); creds != credString(serverCreds()) {
		t.Fatalf("test goroutine's thread has %s after runAs, want the server's %s", creds, credString(serverCreds()))
	}
}

func TestErrorsWrapCause(t *testing.T) {
	r, _ := newRoot(t, Options{})
	_, err := r.As(alice).Stat(ctx, key(t, "missing"))
	var pe *PathError
	if !errors.As(err, &pe) || !errors.Is(err, ErrNotExist) || !errors.Is(err, os.ErrNotExist) || pe.Key != "missing" {
		t.Fatalf("%#v", err)
	}
}
