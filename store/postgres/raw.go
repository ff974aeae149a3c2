package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/fsxd/fsxd/store"
	"github.com/fsxd/fsxd/store/internal/page"
	"github.com/jackc/pgx/v5"
)

// Queries run through pgx's statement cache, so each is prepared once per
// connection.
var (
	qGet    = `SELECT val FROM kv WHERE kind = $1 AND key = $2`
	qScan   = fmt.Sprintf(`SELECT key, val FROM kv WHERE kind = $1 AND key > $2 ORDER BY key LIMIT %d`, page.MaxRows)
	qInsert = `INSERT INTO kv (kind, key, val) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`
	qPut    = `INSERT INTO kv (kind, key, val) VALUES ($1, $2, $3) ON CONFLICT (kind, key) DO UPDATE SET val = excluded.val`
	qDelete = `DELETE FROM kv WHERE kind = $1 AND key = $2`
)

// raw is store.Raw on one transaction.
type raw struct {
	ctx   context.Context
	tx    pgx.Tx
	err   error   // the first failed statement; the transaction is aborted
	wrote written // so other nodes hear of it
}

// fail records err as the transaction's failure and returns it wrapped.
func (r *raw) fail(op, kind, key string, err error) error {
	if r.err == nil {
		r.err = fmt.Errorf("postgres: %s %s/%s: %w", op, kind, key, mapErr(r.ctx, err))
	}
	return r.err
}

func (r *raw) Get(kind, key string) ([]byte, error) {
	if r.err != nil {
		return nil, r.err
	}
	var val []byte
	err := r.tx.QueryRow(r.ctx, qGet, kind, key).Scan(&val)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("%s/%s: %w", kind, key, store.ErrNotFound)
	}
	if err != nil {
		return nil, r.fail("get", kind, key, err)
	}
	if val == nil {
		val = []byte{}
	}
	return val, nil
}

func (r *raw) Insert(kind, key string, val []byte) error {
	n, err := r.exec("insert", qInsert, kind, key, val)
	if err == nil && n == 0 {
		err = fmt.Errorf("%s/%s: %w", kind, key, store.ErrExists)
	}
	return err
}

func (r *raw) Put(kind, key string, val []byte) error {
	_, err := r.exec("put", qPut, kind, key, val)
	return err
}

func (r *raw) Delete(kind, key string) error {
	n, err := r.exec("delete", qDelete, kind, key)
	if err == nil && n == 0 {
		err = fmt.Errorf("%s/%s: %w", kind, key, store.ErrNotFound)
	}
	return err
}

// exec runs a write and returns the number of rows it changed.
func (r *raw) exec(op, q, kind, key string, val ...[]byte) (int64, error) {
	if r.err != nil {
		return 0, r.err
	}
	args := []any{kind, key}
	for _, v := range val {
		if v == nil {
			v = []byte{} // the column is NOT NULL; nil means empty
		}
		args = append(args, v)
	}
	tag, err := r.tx.Exec(r.ctx, q, args...)
	if err != nil {
		return 0, r.fail(op, kind, key, err)
	}
	if tag.RowsAffected() > 0 {
		r.wrote.note(kind, key)
	}
	return tag.RowsAffected(), nil
}

func (r *raw) Scan(kind, after string, fn func(string, []byte) (bool, error)) error {
	return page.Scan(after, func(after string) ([]page.KV, bool, error) {
		if r.err != nil {
			return nil, false, r.err
		}
		rows, err := r.tx.Query(r.ctx, qScan, kind, after)
		if err != nil {
			return nil, false, r.fail("scan", kind, after, err)
		}
		defer rows.Close()
		kvs, last, err := page.Read(rows)
		if err != nil {
			return nil, false, r.fail("scan", kind, after, err)
		}
		return kvs, last, nil
	}, fn)
}
