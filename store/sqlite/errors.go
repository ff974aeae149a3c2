package sqlite

import (
	"errors"
	"fmt"

	"github.com/fsxd/fsxd/store"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// mapErr marks the errors that mean "the database cannot serve now" (another
// process holds the lock past busy_timeout, disk full or failing) as
// store.ErrUnavailable, so the server answers 503 rather than 500.
func mapErr(err error) error {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return err
	}
	switch e.Code() & 0xff { // extended codes keep the primary code in the low byte
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_IOERR,
		sqlite3.SQLITE_FULL, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_NOMEM:
		return fmt.Errorf("%w: %w", store.ErrUnavailable, err)
	}
	return err
}
