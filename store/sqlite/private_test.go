package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/fsxd/fsxd/store"
	"github.com/fsxd/fsxd/store/sqlite"
)

// TestFileModes: a database fsxd creates, and the -wal and -shm files
// SQLite makes beside it, are readable by their owner only, whatever the
// umask; an existing file keeps the mode it has.
func TestFileModes(t *testing.T) {
	old := syscall.Umask(0o022) // the usual; 0644 files without the fix
	defer syscall.Umask(old)
	dir := t.TempDir()
	path := filepath.Join(dir, "fsxd.db")
	b, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	st := store.New(b)
	defer st.Close()
	// A write makes sure the WAL and its index exist.
	if err := st.Update(context.Background(), func(tx *store.Tx) error {
		return store.Aliases.In(tx).Put("a", &store.Alias{Name: "a"})
	}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"fsxd.db", "fsxd.db-wal", "fsxd.db-shm"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if mode := fi.Mode().Perm(); mode != 0o600 {
			t.Errorf("%s: mode %o, want 600", name, mode)
		}
	}

	kept := filepath.Join(t.TempDir(), "fsxd.db")
	if err := os.WriteFile(kept, nil, 0o640); err != nil {
		t.Fatal(err)
	}
	b2, err := sqlite.Open(kept)
	if err != nil {
		t.Fatal(err)
	}
	b2.Close()
	if fi, _ := os.Stat(kept); fi.Mode().Perm() != 0o640 {
		t.Errorf("existing file: mode %o, want 640 as it was", fi.Mode().Perm())
	}
}
