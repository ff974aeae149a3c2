package importpath

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tree lays out, under one temp dir:
//
//	root/            the declared import root
//	root/ok/sub/     importable
//	root/file        a regular file
//	root/out   ->    ../outside (a link leaving the root)
//	root/in    ->    ok         (a link staying inside)
//	root/etc   ->    /etc
//	outside/
//	data/            the data directory
//	root/data  ->    ../data
func tree(t *testing.T) (base string) {
	t.Helper()
	base = t.TempDir()
	for _, d := range []string{"root/ok/sub", "outside", "data/fs"} {
		must(t, os.MkdirAll(filepath.Join(base, d), 0o755))
	}
	must(t, os.WriteFile(filepath.Join(base, "root/file"), nil, 0o644))
	must(t, os.Symlink("../outside", filepath.Join(base, "root/out")))
	must(t, os.Symlink("ok", filepath.Join(base, "root/in")))
	must(t, os.Symlink("/etc", filepath.Join(base, "root/etc")))
	must(t, os.Symlink("../data", filepath.Join(base, "root/data")))
	return base
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestCheck(t *testing.T) {
	base := tree(t)
	r, err := New([]string{filepath.Join(base, "root")}, filepath.Join(base, "data"))
	must(t, err)
	// want: "" = allowed (and resolves to wantDir), else part of the reason.
	check := func(path, want, wantDir string) {
		t.Helper()
		got, err := r.Check(path)
		switch {
		case want == "" && err != nil:
			t.Errorf("Check(%s): %v, want allowed", path, err)
		case want == "" && got != wantDir:
			t.Errorf("Check(%s) = %s, want %s", path, got, wantDir)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("Check(%s) = %q, %v; want refusal containing %q", path, got, err, want)
		}
		var ie *Error
		if err != nil && !errors.As(err, &ie) {
			t.Errorf("Check(%s): %T is not an *Error", path, err)
		}
	}
	ok := filepath.Join(base, "root/ok")
	check(ok, "", ok)
	check(ok+"/sub", "", ok+"/sub")
	check(base+"/root/in", "", ok)              // link inside: judged by its target
	check(base+"/root/ok/../ok/sub/..", "", ok) // ".." resolved first
	check(base+"/root", "strictly below", "")   // the root itself
	check(base+"/root/../outside", "strictly below", "")
	check(base+"/root/out", "strictly below", "") // link leaving the root
	check(base+"/outside", "strictly below", "")
	check(base+"/root/etc", "/etc is a system directory", "")
	check(base+"/root/data", "outside the fsxd data directory", "")
	check(base+"/data/fs", "outside the fsxd data directory", "")
	check(base+"/root/file", "not a directory", "")
	check(base+"/root/missing", "does not exist", "")
	check("/no/such/dir", "strictly below", "") // existence outside roots is not revealed
	check("/etc", "/etc is a system directory", "")
	check("/proc/self", "system directory", "")
	check("/", "file system root", "")
	check("relative/dir", "must be absolute", "")
}

func TestCheckWithoutRoots(t *testing.T) {
	base := tree(t)
	r, err := New(nil, filepath.Join(base, "data"))
	must(t, err)
	_, err = r.Check(filepath.Join(base, "root/ok"))
	if err == nil || !strings.Contains(err.Error(), "--import-root") {
		t.Fatalf("Check without roots: %v, want a refusal naming --import-root", err)
	}
}

func TestNewRefusesRoots(t *testing.T) {
	base := tree(t)
	data := filepath.Join(base, "data")
	for _, tc := range []struct{ root, want string }{
		{"/", "file system root"},
		{"/etc", "system directory"},
		{"/proc", "system directory"},
		{"/sys/kernel", "system directory"},
		{"/dev", "system directory"},
		{data, "data directory"},
		{data + "/fs", "data directory"},
		{base, "data directory"}, // contains the data directory
		{base + "/root/data", "data directory"},
		{base + "/root/etc", "system directory"},
		{base + "/root/file", "not a directory"},
		{base + "/nope", "no such file"},
		{"relative", "absolute"},
	} {
		_, err := New([]string{tc.root}, data)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%s): %v, want error containing %q", tc.root, err, tc.want)
		}
	}
	if _, err := New([]string{base + "/root", base + "/outside"}, data); err != nil {
		t.Errorf("New with two good roots: %v", err)
	}
}

func TestServes(t *testing.T) {
	base := tree(t)
	data := filepath.Join(base, "data")
	with, err := New([]string{filepath.Join(base, "root")}, data)
	must(t, err)
	without, err := New(nil, data)
	must(t, err)
	for _, tc := range []struct {
		dir           string
		with, without bool
	}{
		{data + "/fs/fs-1/fsx", true, true},               // fsxd's own
		{base + "/root/ok", true, false},                  // imported
		{base + "/root/ok/child/grandchild", true, false}, // not created yet
		{base + "/root/out", false, false},
		{base + "/root", false, false},
		{"/etc", false, false},
	} {
		if got := with.Serves(tc.dir) == nil; got != tc.with {
			t.Errorf("with root: Serves(%s) = %v, want %v", tc.dir, got, tc.with)
		}
		if got := without.Serves(tc.dir) == nil; got != tc.without {
			t.Errorf("without roots: Serves(%s) = %v, want %v", tc.dir, got, tc.without)
		}
	}
}

func TestServesRelativeDataDir(t *testing.T) {
	base := tree(t)
	t.Chdir(base)
	r, err := New(nil, "data")
	must(t, err)
	if err := r.Serves(filepath.Join("data", "fs", "fs-1", "fsx")); err != nil {
		t.Errorf("relative volume dir in a relative data dir: %v", err)
	}
}
