package sqlite

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/fsxd/fsxd/store/internal/page"
)

// stmts are the hot queries, prepared once per pool; database/sql prepares
// them again on each connection as it first uses them.
type stmts struct {
	get, scan, insert, put, del *sql.Stmt
}

var queries = struct{ get, scan, insert, put, del string }{
	get:    `SELECT val FROM kv WHERE kind = ? AND key = ?`,
	scan:   fmt.Sprintf(`SELECT key, val FROM kv WHERE kind = ? AND key > ? ORDER BY key LIMIT %d`, page.MaxRows),
	insert: `INSERT INTO kv (kind, key, val) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
	put:    `INSERT INTO kv (kind, key, val) VALUES (?, ?, ?) ON CONFLICT (kind, key) DO UPDATE SET val = excluded.val`,
	del:    `DELETE FROM kv WHERE kind = ? AND key = ?`,
}

// prepare prepares the read queries, and the writes too when write is set
// (the read pool is query_only).
func prepare(db *sql.DB, write bool) (*stmts, error) {
	s := &stmts{}
	list := []struct {
		dst **sql.Stmt
		q   string
	}{{&s.get, queries.get}, {&s.scan, queries.scan}}
	if write {
		list = append(list, []struct {
			dst **sql.Stmt
			q   string
		}{{&s.insert, queries.insert}, {&s.put, queries.put}, {&s.del, queries.del}}...)
	}
	for _, p := range list {
		st, err := db.Prepare(p.q)
		if err != nil {
			s.close()
			return nil, fmt.Errorf("sqlite: prepare: %w", mapErr(err))
		}
		*p.dst = st
	}
	return s, nil
}

func (s *stmts) close() error {
	if s == nil {
		return nil
	}
	var errs []error
	for _, st := range []*sql.Stmt{s.get, s.scan, s.insert, s.put, s.del} {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	return errors.Join(errs...)
}
