package volume

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestPutGetStatRemove(t *testing.T) {
	modes(t, func(t *testing.T, e Enforcement) {
		r, dir := newRoot(t, optsFor(e))
		f := r.As(alice)
		in := mustPut(t, f, "a/b/c.txt", "hello")
		if in.Size != 5 || in.Meta == nil || in.Meta.ETag != "etag-a/b/c.txt" || in.Key != "a/b/c.txt" {
			t.Fatalf("commit info %+v", in)
		}
		if got, err := get(t, f, "a/b/c.txt"); err != nil || got != "hello" {
			t.Fatalf("get = %q, %v", got, err)
		}
		st, err := f.Stat(ctx, key(t, "a/b/c.txt"))
		if err != nil || st.Meta == nil || st.Meta.ContentType != "text/plain" || st.Size != 5 {
			t.Fatalf("stat %+v %v", st, err)
		}
		fileMode, dirMode := os.FileMode(0o644), os.FileMode(0o755)
		if e == UserSpace {
			fileMode, dirMode = 0o666, 0o777
		}
		if fi, _ := os.Stat(filepath.Join(dir, "a/b/c.txt")); fi.Mode().Perm() != fileMode {
			t.Errorf("file mode %v, want %v", fi.Mode().Perm(), fileMode)
		}
		if fi, _ := os.Stat(filepath.Join(dir, "a/b")); fi.Mode().Perm() != dirMode {
			t.Errorf("dir mode %v, want %v", fi.Mode().Perm(), dirMode)
		}
		for k, want := range map[string]error{"a/b": ErrIsDir, "a/b/c.txt/": ErrNotDir, "nope": ErrNotExist, "a/b/c.txt/x": ErrNotDir} {
			if _, err := f.Stat(ctx, key(t, k)); !errors.Is(err, want) {
				t.Errorf("stat %q: %v, want %v", k, err, want)
			}
		}
		mustPut(t, f, "a/b/c.txt", "replaced")
		if got, _ := get(t, f, "a/b/c.txt"); got != "replaced" {
			t.Fatalf("after replace: %q", got)
		}
		if err := f.Remove(ctx, key(t, "a/b/c.txt")); err != nil {
			t.Fatal(err)
		}
		if err := f.Remove(ctx, key(t, "a/b/c.txt")); !errors.Is(err, ErrNotExist) {
			t.Fatalf("second remove: %v", err)
		}
		if left := listDir(t, dir); len(left) != 0 {
			t.Fatalf("implicit dirs not pruned: %v", left)
		}
	})
}

func TestCommitAtomic(t *testing.T) {
	r, _ := newRoot(t, Options{})
	f := r.As(rootID)
	mustPut(t, f, "k", "old contents")
	old, err := f.Open(ctx, key(t, "k"))
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	w, err := f.Create(ctx, key(t, "k"))
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, "new")
	done := make(chan struct{})
	go func() { // a concurrent Stat sees old or new, never a mix or nothing
		defer close(done)
		for range 2000 {
			in, err := f.Stat(ctx, key(t, "k"))
			if err != nil || (in.Size != 12 && in.Size != 3) || in.Meta == nil {
				t.Errorf("concurrent stat: %+v %v", in, err)
				return
			}
		}
	}()
	if _, err := w.Commit(Meta{ETag: "new"}, nil); err != nil {
		t.Fatal(err)
	}
	<-done
	if b, _ := io.ReadAll(old); string(b) != "old contents" {
		t.Fatalf("old fd reads %q", b)
	}
	if got, _ := get(t, f, "k"); got != "new" {
		t.Fatalf("new open reads %q", got)
	}
	if err := w.Abort(); err != nil {
		t.Fatalf("abort after commit: %v", err)
	}
}

func TestConditionalCommit(t *testing.T) {
	r, _ := newRoot(t, Options{})
	f := r.As(alice)
	ifNoneMatch := &Cond{Check: func(ex *Info) error {
		if ex != nil {
			return errors.New("precondition failed")
		}
		return nil
	}}
	w, _ := f.Create(ctx, key(t, "c"))
	if _, err := w.Commit(Meta{ETag: "1"}, ifNoneMatch); err != nil {
		t.Fatal(err)
	}
	w, _ = f.Create(ctx, key(t, "c"))
	io.WriteString(w, "second")
	_, err := w.Commit(Meta{ETag: "2"}, ifNoneMatch)
	if err == nil || err.Error() != "precondition failed" {
		t.Fatalf("veto: %v", err)
	}
	var seen string
	w, _ = f.Create(ctx, key(t, "c"))
	if _, err := w.Commit(Meta{ETag: "3"}, &Cond{Check: func(ex *Info) error { seen = ex.Meta.ETag; return nil }}); err != nil || seen != "1" {
		t.Fatalf("cond saw %q, %v", seen, err)
	}
}

func TestAbortAndCrashLeaveNothing(t *testing.T) {
	for _, tmpfile := range []bool{true, false} {
		r, dir := newRoot(t, Options{})
		r.tmpfile = tmpfile // false: the hidden-name fallback
		f := r.As(alice)
		w, err := f.Create(ctx, key(t, "x/y/aborted"))
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, "data")
		w.Abort()
		if left := listDir(t, dir); len(left) != 0 {
			t.Fatalf("tmpfile=%v: abort left %v", tmpfile, left)
		}
		mkdir(t, dir, "d", 0o777, 0, 0)
		w, _ = f.Create(ctx, key(t, "d/crashed"))
		io.WriteString(w, "data")
		w.f.Close() // a crash: never committed or aborted, its lock gone with its fd
		w = nil
		if err := r.CleanTemp(); err != nil {
			t.Fatal(err)
		}
		if left := listDir(t, dir); !slices.Equal(left, []string{"d"}) {
			t.Fatalf("tmpfile=%v: crash left %v", tmpfile, left)
		}
	}
}

func TestMetaStaleAfterEditBeside(t *testing.T) {
	r, dir := newRoot(t, Options{})
	f := r.As(alice)
	mustPut(t, f, "doc", "version one")
	p := filepath.Join(dir, "doc")
	before, _ := f.Stat(ctx, key(t, "doc"))
	if before.Meta == nil {
		t.Fatal("no meta after put")
	}
	os.WriteFile(p, []byte("version two, longer"), 0o644)
	after, _ := f.Stat(ctx, key(t, "doc"))
	if after.Meta != nil {
		t.Fatalf("meta survived an edit beside S3: %+v", after.Meta)
	}
	if SyntheticETag(after) == SyntheticETag(before) {
		t.Fatal("synthetic etag did not change")
	}
	// Same size, new mtime: still stale.
	mustPut(t, f, "doc", "AAAA")
	os.WriteFile(p, []byte("BBBB"), 0o644)
	os.Chtimes(p, time.Now(), time.Now().Add(time.Hour))
	if in, _ := f.Stat(ctx, key(t, "doc")); in.Meta != nil {
		t.Fatal("meta survived same-size edit")
	}
}

func TestSetMeta(t *testing.T) {
	modes(t, func(t *testing.T, e Enforcement) {
		r, dir := newRoot(t, optsFor(e))
		f := r.As(alice)
		mustPut(t, f, "t", "x")
		mkfile(t, dir, "alices", 0o644, 1001, 2001, "beside")
		in, err := f.SetMeta(ctx, key(t, "t"), func(m *Meta) error {
			m.Tags = map[string]string{"k": "v"}
			return nil
		})
		if err != nil || in.Meta.Tags["k"] != "v" || in.Meta.ETag != "etag-t" {
			t.Fatalf("setmeta %+v %v", in.Meta, err)
		}
		st, _ := f.Stat(ctx, key(t, "t"))
		if st.Meta == nil || st.Meta.Tags["k"] != "v" || st.Meta.ETag != "etag-t" {
			t.Fatalf("after setmeta %+v", st.Meta)
		}
		if _, err := r.As(bob).SetMeta(ctx, key(t, "alices"), func(*Meta) error { return nil }); !errors.Is(err, ErrPermission) {
			t.Fatalf("bob tagging alice's 0644 file: %v", err)
		}
		in, err = f.SetMeta(ctx, key(t, "alices"), func(m *Meta) error { m.Tags = map[string]string{"a": "b"}; return nil })
		if err != nil || in.Meta.ETag != SyntheticETag(in) {
			t.Fatalf("tagging a file made beside S3: %+v %v", in.Meta, err)
		}
	})
}

func TestAppend(t *testing.T) {
	r, dir := newRoot(t, Options{})
	f := r.As(alice)
	part := filepath.Join(dir, "part")
	os.WriteFile(part, []byte("0123456789"), 0o644)
	src, _ := os.Open(part)
	defer src.Close()
	w, _ := f.Create(ctx, key(t, "assembled"))
	io.WriteString(w, "<")
	if err := w.Append(src, 2, 5); err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, ">")
	if err := w.Append(src, 0, 3); err != nil {
		t.Fatal(err)
	}
	w.Commit(Meta{Parts: 2, PartSizes: []int64{5, 3}}, nil)
	if got, _ := get(t, f, "assembled"); got != "<23456>012" {
		t.Fatalf("assembled %q", got)
	}
}

func TestMetaDirBackend(t *testing.T) {
	md := filepath.Join(t.TempDir(), "meta")
	r, _ := newRoot(t, Options{MetaDir: md, forceMetaDir: true})
	f := r.As(alice)
	mustPut(t, f, "m/k", "v")
	in, err := f.Stat(ctx, key(t, "m/k"))
	if err != nil || in.Meta == nil || in.Meta.ETag != "etag-m/k" {
		t.Fatalf("stat %+v %v", in.Meta, err)
	}
	if ents, _ := os.ReadDir(md); len(ents) != 2 { // the file and implicit "m"
		t.Fatalf("meta dir has %d entries", len(ents))
	}
	if err := f.Remove(ctx, key(t, "m/k")); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(md); len(ents) != 0 {
		t.Fatalf("meta dir not cleaned: %d entries", len(ents))
	}
}
