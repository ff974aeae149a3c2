package volume

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"
)

// staged writes data to a 0600 file of the server's beside the volume, as
// the multipart store writes a slot file, and opens it for writing.
func staged(t *testing.T, dir, data string) (*os.File, string) {
	t.Helper()
	p := filepath.Join(dir, "slots")
	if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	return f, p
}

func adoptPut(t *testing.T, f *FS, k string, src *os.File) Info {
	t.Helper()
	w, err := f.Create(ctx, key(t, k))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Adopt(src); err != nil {
		w.Abort()
		t.Fatal(err)
	}
	in, err := w.Commit(Meta{ETag: "adopted"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func statT(t *testing.T, p string) *syscall.Stat_t {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Sys().(*syscall.Stat_t)
}

// An adopted file ends up as a written one would: the identity's owner,
// group and mode, the object's bytes and Meta, and no hidden name left,
// also when adopted twice (a Complete retried after a crash).
func TestAdopt(t *testing.T) {
	modes(t, func(t *testing.T, e Enforcement) {
		r, dir := newRoot(t, optsFor(e))
		f := r.As(alice)
		mustPut(t, f, "x/ref", "reference")
		src, srcPath := staged(t, filepath.Dir(dir), "slot bytes")
		old := time.Now().Add(-time.Hour)
		os.Chtimes(srcPath, old, old)
		adoptPut(t, f, "x/obj", src)
		if got, err := get(t, f, "x/obj"); err != nil || got != "slot bytes" {
			t.Fatalf("get = %q, %v", got, err)
		}
		if in, err := f.Stat(ctx, key(t, "x/obj")); err != nil || in.Meta == nil || in.Meta.ETag != "adopted" {
			t.Fatalf("stat %+v %v", in, err)
		}
		ref, obj := statT(t, filepath.Join(dir, "x/ref")), statT(t, filepath.Join(dir, "x/obj"))
		if time.Unix(obj.Mtim.Unix()).Before(old.Add(time.Minute)) {
			t.Error("the adopted file keeps its old modification time")
		}
		if obj.Uid != ref.Uid || obj.Gid != ref.Gid || obj.Mode != ref.Mode {
			t.Errorf("adopted %d:%d %o, written %d:%d %o", obj.Uid, obj.Gid, obj.Mode, ref.Uid, ref.Gid, ref.Mode)
		}
		again, err := os.OpenFile(srcPath, os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		adoptPut(t, f, "x/obj", again)
		if left := listDir(t, dir); !slices.Equal(left, []string{"x", "x/obj", "x/ref"}) {
			t.Errorf("volume holds %v", left)
		}
	})
}

// A file that cannot be linked into the volume (another file system) is
// refused, and the Writer goes on as if Adopt had not been called.
func TestAdoptElsewhere(t *testing.T) {
	r, dir := newRoot(t, Options{})
	other, err := os.MkdirTemp("/dev/shm", "fsxd-adopt-")
	if err != nil || statT(t, other).Dev == statT(t, dir).Dev {
		t.Skip("no second file system at /dev/shm")
	}
	defer os.RemoveAll(other)
	src, _ := staged(t, other, "elsewhere")
	defer src.Close()
	w, err := r.As(rootID).Create(ctx, key(t, "k"))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Adopt(src); err == nil {
		t.Fatal("adopted a file of another file system")
	}
	if err := w.Append(src, 0, 9); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Commit(Meta{}, nil); err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(filepath.Join(dir, "k"))
	defer f.Close()
	if b, _ := io.ReadAll(f); string(b) != "elsewhere" {
		t.Errorf("object holds %q", b)
	}
}
