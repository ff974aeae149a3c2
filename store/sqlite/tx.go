package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/fsxd/fsxd/store"
	"github.com/fsxd/fsxd/store/internal/page"
)

// View runs fn in a read transaction on the read pool: one snapshot for all
// of fn's reads, taken without waiting for the writer.
func (b *Backend) View(ctx context.Context, fn func(store.Raw) error) error {
	tx, err := b.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", mapErr(err))
	}
	defer tx.Rollback()
	return fn(&raw{ctx: ctx, tx: tx, s: b.rs})
}

// Update runs fn in a write transaction on the single write connection;
// concurrent Updates queue for it, so they never conflict and need no retry.
func (b *Backend) Update(ctx context.Context, fn func(store.Raw) error) error {
	tx, err := b.w.BeginTx(ctx, nil) // BEGIN IMMEDIATE (_txlock)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", mapErr(err))
	}
	defer tx.Rollback()
	if err := fn(&raw{ctx: ctx, tx: tx, s: b.ws}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", mapErr(err))
	}
	return nil
}

// raw is store.Raw on one transaction.
type raw struct {
	ctx context.Context
	tx  *sql.Tx
	s   *stmts
}

func (r *raw) stmt(s *sql.Stmt) (*sql.Stmt, error) {
	if s == nil { // a write statement on the read pool
		return nil, errors.New("sqlite: write in a read-only transaction")
	}
	return r.tx.StmtContext(r.ctx, s), nil
}

func (r *raw) Get(kind, key string) ([]byte, error) {
	st, _ := r.stmt(r.s.get)
	var val []byte
	err := st.QueryRowContext(r.ctx, kind, key).Scan(&val)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%s/%s: %w", kind, key, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get %s/%s: %w", kind, key, mapErr(err))
	}
	if val == nil {
		val = []byte{}
	}
	return val, nil
}

func (r *raw) Insert(kind, key string, val []byte) error {
	n, err := r.exec(r.s.insert, kind, key, val)
	if err == nil && n == 0 {
		err = fmt.Errorf("%s/%s: %w", kind, key, store.ErrExists)
	}
	return err
}

func (r *raw) Put(kind, key string, val []byte) error {
	_, err := r.exec(r.s.put, kind, key, val)
	return err
}

func (r *raw) Delete(kind, key string) error {
	n, err := r.exec(r.s.del, kind, key)
	if err == nil && n == 0 {
		err = fmt.Errorf("%s/%s: %w", kind, key, store.ErrNotFound)
	}
	return err
}

// exec runs a write and returns the number of rows it changed.
func (r *raw) exec(s *sql.Stmt, kind, key string, val ...[]byte) (int64, error) {
	st, err := r.stmt(s)
	if err != nil {
		return 0, err
	}
	args := []any{kind, key}
	for _, v := range val {
		if v == nil {
			v = []byte{} // the column is NOT NULL; nil means empty
		}
		args = append(args, v)
	}
	res, err := st.ExecContext(r.ctx, args...)
	if err != nil {
		return 0, fmt.Errorf("sqlite: write %s/%s: %w", kind, key, mapErr(err))
	}
	return res.RowsAffected()
}

func (r *raw) Scan(kind, after string, fn func(string, []byte) (bool, error)) error {
	st, _ := r.stmt(r.s.scan)
	return page.Scan(after, func(after string) ([]page.KV, bool, error) {
		rows, err := st.QueryContext(r.ctx, kind, after)
		if err != nil {
			return nil, false, fmt.Errorf("sqlite: scan %s: %w", kind, mapErr(err))
		}
		defer rows.Close()
		return page.Read(rows)
	}, fn)
}
