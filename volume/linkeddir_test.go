package volume

import (
	"errors"
	"os"
	"path/filepath"
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
