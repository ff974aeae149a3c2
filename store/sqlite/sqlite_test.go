package sqlite_test

import (
	"database/sql"
	"errors"
	"path/filepath"
	"sync"
	"testing"

	"github.com/fsxd/fsxd/store"
	"github.com/fsxd/fsxd/store/sqlite"
	"github.com/fsxd/fsxd/store/storetest"
)

// opener opens one file per test, the same file when a test opens twice.
func opener(opts ...sqlite.Option) storetest.Opener {
	var dirs sync.Map // *testing.T -> dir
	return func(t *testing.T) store.Backend {
		d, _ := dirs.LoadOrStore(t, t.TempDir())
		b, err := sqlite.Open(filepath.Join(d.(string), "fsxd.db"), opts...)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
}

func TestConformance(t *testing.T) { storetest.Run(t, opener()) }

func TestConformanceSyncNormal(t *testing.T) {
	storetest.Run(t, opener(sqlite.WithSync(sqlite.SyncNormal)))
}

func TestPragmas(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fsxd.db")
	b, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	b.Close()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var mode string
	var version int
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	if err := db.QueryRow("SELECT max(version) FROM schema_migrations").Scan(&version); err != nil || version != 1 {
		t.Errorf("schema version = %d, %v; want 1", version, err)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fsxd.db")
	b, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	b.Close()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("INSERT INTO schema_migrations (version) VALUES (99)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if b, err := sqlite.Open(path); err == nil {
		b.Close()
		t.Fatal("Open of a database from a newer fsxd succeeded")
	}
}

func TestBadPath(t *testing.T) {
	for _, p := range []string{"", ":memory:", "x.db?mode=ro"} {
		if _, err := sqlite.Open(p); err == nil {
			t.Errorf("Open(%q) succeeded", p)
		}
	}
}

// TestLockedIsUnavailable: another process holding the write lock past the
// busy timeout is a 503, not a 500.
func TestLockedIsUnavailable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fsxd.db")
	b, err := sqlite.Open(path, sqlite.WithBusyTimeout(50e6))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	other, err := sql.Open("sqlite", path+"?_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	tx, err := other.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	err = b.Update(t.Context(), func(r store.Raw) error { return r.Put("k", "a", nil) })
	if !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("Update while locked = %v, want ErrUnavailable", err)
	}
}

// TestV1Fixture opens a database as version 1 wrote it (a copy: opening
// migrates it) and reads every table through the schema.
func TestV1Fixture(t *testing.T) {
	dir := storetest.CopyV1(t)
	b, err := sqlite.Open(filepath.Join(dir, "fsxd.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	s := store.New(b)
	storetest.CheckV1(t, s)
	storetest.CheckV1Secret(t, dir, s)
}
