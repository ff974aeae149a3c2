package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations[i] brings the schema to version i+1. Append only: a database
// records the versions applied, and an old database must still open.
var migrations = []string{
	`CREATE TABLE kv (
		kind TEXT NOT NULL,
		key  TEXT NOT NULL,
		val  BLOB NOT NULL,
		PRIMARY KEY (kind, key)
	) WITHOUT ROWID`,
}

// migrate applies the missing migrations in one transaction. It runs on the
// write connection, whose BEGIN IMMEDIATE keeps two processes opening the
// same file from migrating at once.
func migrate(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return mapErr(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
	)`); err != nil {
		return err
	}
	var have int
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
		return err
	}
	if have > len(migrations) {
		return fmt.Errorf("schema version %d is newer than this fsxd knows (%d)", have, len(migrations))
	}
	for v := have + 1; v <= len(migrations); v++ {
		if _, err := tx.ExecContext(ctx, migrations[v-1]); err != nil {
			return fmt.Errorf("migration %d: %w", v, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version) VALUES (?)`, v); err != nil {
			return err
		}
	}
	return tx.Commit()
}
