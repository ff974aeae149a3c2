package volume

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// TestRemoveLinkedDir: a directory key whose last name is a symlink to a
// directory of the volume resolves through it, so removing it as a
// directory is refused (ErrLinkedDir) rather than reported done; the link
// goes by its key without the "/". A directory key on a file, or on a
// link to a file or out of the volume, names no directory (ErrNotDir).
func TestRemoveLinkedDir(t *testing.T) {
	modes(t, func(t *testing.T, e Enforcement) {
		r, vol := newRoot(t, optsFor(e))
		mkdir(t, vol, "target", 0o777, 0, 0)
		mkfile(t, vol, "file", 0o666, 0, 0, "x")
		for name, target := range map[string]string{"z/todir": "../target", "tofile": "file", "out": "/tmp"} {
			os.MkdirAll(filepath.Join(vol, filepath.Dir(name)), 0o777)
			if err := os.Symlink(target, filepath.Join(vol, name)); err != nil {
				t.Fatal(err)
			}
		}
		f := r.As(rootID)
		for _, tc := range []struct {
			key  string
			want error
		}{
			{"z/todir/", ErrLinkedDir},
			{"tofile/", ErrNotDir},
			{"file/", ErrNotDir},
			{"out/", ErrNotDir},
		} {
			if err := f.Remove(ctx, key(t, tc.key)); !errors.Is(err, tc.want) {
				t.Errorf("Remove %s: %v, want %v", tc.key, err, tc.want)
			}
		}
		if _, err := f.Stat(ctx, key(t, "z/todir/")); err != nil {
			t.Errorf("z/todir/ after the refused remove: %v", err)
		}
		if err := f.Remove(ctx, key(t, "z/todir")); err != nil {
			t.Fatalf("Remove of the link by its own key: %v", err)
		}
		if _, err := os.Lstat(filepath.Join(vol, "z/todir")); !os.IsNotExist(err) {
			t.Errorf("the link is still there: %v", err)
		}
		if _, err := os.Stat(filepath.Join(vol, "target")); err != nil {
			t.Errorf("the link's target went with it: %v", err)
		}
	})
}

// TestRemoveDirKeyHeldByWriter: a directory key whose directory a Writer
// of this node will link into is not removed (ErrNotEmpty, as once the
// write lands), so the write does not find its parent gone; once the
// write is done, an empty directory goes as before.
func TestRemoveDirKeyHeldByWriter(t *testing.T) {
	modes(t, func(t *testing.T, e Enforcement) {
		r, vol := newRoot(t, optsFor(e))
		f := r.As(rootID)
		if _, err := f.Mkdir(ctx, key(t, "a/b/"), Meta{}); err != nil {
			t.Fatal(err)
		}
		w, err := f.Create(ctx, key(t, "a/b/c"))
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Remove(ctx, key(t, "a/b/")); !errors.Is(err, ErrNotEmpty) {
			t.Errorf("Remove a/b/ while a write will link into it: %v, want ErrNotEmpty", err)
		}
		if _, err := w.Commit(Meta{ETag: "e"}, nil); err != nil {
			t.Fatalf("the write below the directory: %v", err)
		}
		if b, err := os.ReadFile(filepath.Join(vol, "a/b/c")); err != nil || len(b) != 0 {
			t.Errorf("a/b/c: %q, %v", b, err)
		}
		if err := f.Remove(ctx, key(t, "a/b/c")); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Mkdir(ctx, key(t, "x/"), Meta{}); err != nil {
			t.Fatal(err)
		}
		if err := f.Remove(ctx, key(t, "x/")); err != nil {
			t.Errorf("Remove of an idle empty directory: %v", err)
		}
	})
}

// TestPutRacesDirKeyRemove: PUTs below a directory key never fail for a
// parent gone while other callers delete the key and the directory key
// (the writes' holds keep this node's rmdir out).
func TestPutRacesDirKeyRemove(t *testing.T) {
	r, _ := newRoot(t, Options{NoFsync: true})
	f := r.As(rootID)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for _, k := range []string{"a/b/c", "a/b/"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
					f.Remove(ctx, key(t, k))
				}
			}
		}()
	}
	var failed error
	for range 300 {
		if _, err := put(t, f, "a/b/c", "x"); err != nil {
			failed = err
			break
		}
	}
	close(stop)
	wg.Wait()
	if failed != nil {
		t.Fatalf("a PUT below a directory key being deleted: %v", failed)
	}
}
