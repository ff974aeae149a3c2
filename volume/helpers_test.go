package volume

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/fsxd/fsxd"
)

var (
	ctx    = context.Background()
	alice  = fsxd.PosixIdentity{UID: 1001, GID: 2001}
	bob    = fsxd.PosixIdentity{UID: 1002, GID: 2002}
	carol  = fsxd.PosixIdentity{UID: 1003, GID: 2003, Groups: []uint32{1001}} // secondary group 1001
	rootID = fsxd.PosixIdentity{UID: 0, GID: 0}
)

// needRoot skips tests that must set other users' credentials.
func needRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
}

// newRoot makes a volume directory, world-writable like a fresh share
// so identities can create at the top, and opens it.
func newRoot(t testing.TB, opts Options) (*Root, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "vol")
	if err := os.Mkdir(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o777)
	r, err := OpenRoot(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r, dir
}

// optsFor configures a mode. In UserSpace mode new files belong to the
// server, so the identity only gets the "other" bits on what it made:
// such volumes are served with NoUmask.
func optsFor(e Enforcement) Options {
	if e == UserSpace {
		return Options{Enforce: e, Umask: NoUmask}
	}
	return Options{Enforce: e}
}

// modes runs fn once per enforcement mode available.
func modes(t *testing.T, fn func(t *testing.T, e Enforcement)) {
	for _, e := range []Enforcement{Kernel, UserSpace} {
		t.Run(e.String(), func(t *testing.T) {
			if e == Kernel {
				needRoot(t)
			}
			fn(t, e)
		})
	}
}

func key(t testing.TB, k string) Path {
	t.Helper()
	p, err := ParseKey(k)
	if err != nil {
		t.Fatalf("ParseKey(%q): %v", k, err)
	}
	return p
}

// put writes data at k through the API.
func put(t testing.TB, f *FS, k, data string) (Info, error) {
	t.Helper()
	w, err := f.Create(ctx, key(t, k))
	if err != nil {
		return Info{}, err
	}
	if _, err := io.WriteString(w, data); err != nil {
		w.Abort()
		return Info{}, err
	}
	return w.Commit(Meta{ETag: "etag-" + k, ContentType: "text/plain"}, nil)
}

func mustPut(t testing.TB, f *FS, k, data string) Info {
	t.Helper()
	in, err := put(t, f, k, data)
	if err != nil {
		t.Fatalf("put %q: %v", k, err)
	}
	return in
}

func get(t testing.TB, f *FS, k string) (string, error) {
	t.Helper()
	fl, err := f.Open(ctx, key(t, k))
	if err != nil {
		return "", err
	}
	defer fl.Close()
	b, err := io.ReadAll(fl)
	return string(b), err
}

// mkfile writes a file beside S3 (as the server) with owner and mode.
func mkfile(t testing.TB, root, rel string, mode os.FileMode, uid, gid int, data string) {
	t.Helper()
	p := filepath.Join(root, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	chown(t, p, mode, uid, gid)
}

func mkdir(t testing.TB, root, rel string, mode os.FileMode, uid, gid int) {
	t.Helper()
	p := filepath.Join(root, rel)
	if err := os.MkdirAll(p, 0o777); err != nil {
		t.Fatal(err)
	}
	chown(t, p, mode, uid, gid)
}

func chown(t testing.TB, p string, mode os.FileMode, uid, gid int) {
	t.Helper()
	if err := os.Lchown(p, uid, gid); err != nil && os.Geteuid() == 0 {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
}

func owner(t testing.TB, p string) (uid, gid uint32) {
	t.Helper()
	fi, err := os.Lstat(p)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	return st.Uid, st.Gid
}

// listDir returns every name under dir (recursively), for "nothing left"
// assertions.
func listDir(t testing.TB, dir string) []string {
	t.Helper()
	var names []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if p != dir {
			names = append(names, strings.TrimPrefix(p, dir+"/"))
		}
		return nil
	})
	return names
}

func isErr(err, want error) bool {
	if want == nil {
		return err == nil
	}
	return errors.Is(err, want)
}
