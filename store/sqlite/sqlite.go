// Package sqlite is fsxd's default, embedded store backend: one file, one
// process. Writers take turns on a single connection (BEGIN IMMEDIATE), and
// readers use a separate pool; in WAL mode readers see the last commit and
// never wait for the writer.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/fsxd/fsxd/store"
	_ "modernc.org/sqlite" // registers driver "sqlite"
)

var _ store.Backend = (*Backend)(nil)

// Backend is a store.Backend on one SQLite file.
type Backend struct {
	w, r      *sql.DB
	ws, rs    *stmts // prepared on w and r
	closeOnce sync.Once
	closeErr  error
}

// Open opens (creating if needed) the database file at path and brings its
// schema up to date.
func Open(path string, opts ...Option) (*Backend, error) {
	if path == "" || strings.ContainsRune(path, '?') || strings.HasPrefix(path, ":memory:") {
		// The write and read pools must reach the same file.
		return nil, fmt.Errorf("sqlite: bad database path %q", path)
	}
	b := &Backend{}
	if err := b.open(path, newConfig(opts)); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

func (b *Backend) open(path string, c config) error {
	err := createPrivate(path)
	if err != nil {
		return err
	}
	if b.w, err = openWriter(path, c); err != nil {
		return err
	}
	// Readers are opened after the writer has switched the file to WAL.
	if b.r, err = openReaders(path, c); err != nil {
		return err
	}
	if b.ws, err = prepare(b.w, true); err != nil {
		return err
	}
	b.rs, err = prepare(b.r, false)
	return err
}

func dsn(path string, c config, pragmas ...string) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", c.busy.Milliseconds()))
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	return path + "?" + q.Encode()
}

func openWriter(path string, c config) (*sql.DB, error) {
	db, err := sql.Open("sqlite", dsn(path, c, "journal_mode(WAL)", "synchronous("+string(c.sync)+")")+"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	ctx := context.Background()
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, mapErr(err))
	}
	if !strings.EqualFold(mode, "wal") {
		db.Close()
		return nil, fmt.Errorf("sqlite: %s: journal_mode is %q, not wal (readers would block the writer)", path, mode)
	}
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: migrate %s: %w", path, err)
	}
	return db, nil
}

func openReaders(path string, c config) (*sql.DB, error) {
	// query_only turns a write attempted in View into an error.
	db, err := sql.Open("sqlite", dsn(path, c, "query_only(1)"))
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(c.readConns)
	db.SetMaxIdleConns(c.readConns) // idle connections keep their prepared statements
	return db, nil
}

// Changes returns nil: only this process writes the file.
func (b *Backend) Changes() <-chan struct{} { return nil }

// Ping reports whether a reader can query the file.
func (b *Backend) Ping(ctx context.Context) error {
	var one int
	return mapErr(b.r.QueryRowContext(ctx, "SELECT 1").Scan(&one))
}

// Close closes both pools. It may be called more than once.
func (b *Backend) Close() error {
	b.closeOnce.Do(func() {
		var errs []error
		for _, s := range []*stmts{b.ws, b.rs} {
			errs = append(errs, s.close())
		}
		for _, db := range []*sql.DB{b.w, b.r} {
			if db != nil {
				errs = append(errs, db.Close())
			}
		}
		b.closeErr = errors.Join(errs...)
	})
	return b.closeErr
}
