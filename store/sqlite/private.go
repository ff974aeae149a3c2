package sqlite

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// createPrivate creates the database file, empty, readable by its owner
// only, unless it exists: SQLite would create it with 0644 less the
// umask, and gives its -wal and -shm files the main file's mode. The
// store holds what only fsxd should read (idempotency records, policies,
// sealed key secrets). An existing file keeps its mode: the operator may
// have chosen it (docs/deployment.md).
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case errors.Is(err, fs.ErrExist):
		return nil
	case err != nil:
		return fmt.Errorf("sqlite: create %s: %w", path, err)
	}
	return f.Close()
}
