package volume

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

// goneTree makes a snapshot-like tree of n files in d/.
func goneTree(t *testing.T, n int) string {
	t.Helper()
	src := filepath.Join(t.TempDir(), "snap")
	os.MkdirAll(filepath.Join(src, "d"), 0o755)
	for i := range n {
		os.WriteFile(filepath.Join(src, "d", "f"+strconv.Itoa(i)), []byte("x"), 0o644)
	}
	return src
}

// removeAt returns a Progress that removes src, as the reconciler drops a
// snapshot, once the copy has copied after files (0: never).
func removeAt(t *testing.T, src string, after int64) func(CopyStats) {
	return func(st CopyStats) {
		if st.Files == after {
			if err := RemoveTree(src); err != nil {
				t.Error(err)
			}
		}
	}
}

// TestCopyTreeWholeSourceGone: a Whole copy whose source is removed under
// it fails with ErrSourceGone and leaves nothing at dst; a live volume's
// copy (not Whole) leaves the vanished entries out, as before.
func TestCopyTreeWholeSourceGone(t *testing.T) {
	tests := []struct {
		name    string
		whole   bool
		after   int64 // remove the source after this many files (0: never)
		wantErr error
	}{
		{"whole, untouched", true, 0, nil},
		{"whole, removed mid-walk", true, 1, ErrSourceGone},
		{"whole, removed after the last file", true, 20, ErrSourceGone},
		{"live, removed mid-walk", false, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := goneTree(t, 20)
			dst := filepath.Join(t.TempDir(), "dst")
			_, err := CopyTree(src, dst, CopyOptions{Whole: tt.whole, Progress: removeAt(t, src, tt.after)})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("got %v, want %v", err, tt.wantErr)
			}
			if _, statErr := os.Lstat(dst); (statErr == nil) != (err == nil) {
				t.Fatalf("dst exists: %v, copy error: %v", statErr == nil, err)
			}
		})
	}
	if _, err := CopyTree(filepath.Join(t.TempDir(), "none"), filepath.Join(t.TempDir(), "dst"), CopyOptions{Whole: true}); !errors.Is(err, ErrSourceGone) {
		t.Fatalf("missing source: got %v, want ErrSourceGone", err)
	}
}

// TestRestoreTreeSourceGone: a restore whose snapshot is removed before
// or during the copy fails with ErrSourceGone and leaves the volume as it
// was, never with a partial tree swapped in.
func TestRestoreTreeSourceGone(t *testing.T) {
	for _, after := range []int64{-1, 1, 10, 20} { // -1: gone before the start
		t.Run(strconv.FormatInt(after, 10), func(t *testing.T) {
			vol := goneTree(t, 5)
			os.WriteFile(filepath.Join(vol, "own"), []byte("mine"), 0o644)
			before := listDir(t, vol)
			snap := goneTree(t, 20)
			if after < 0 {
				if err := RemoveTree(snap); err != nil {
					t.Fatal(err)
				}
			}
			_, err := RestoreTree(snap, vol, func(string) bool { return false }, removeAt(t, snap, after))
			if !errors.Is(err, ErrSourceGone) {
				t.Fatalf("got %v, want ErrSourceGone", err)
			}
			if got := listDir(t, vol); !slices.Equal(got, before) {
				t.Fatalf("volume holds %q after a failed restore, want %q", got, before)
			}
		})
	}
}
