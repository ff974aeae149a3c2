package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// migrations[i] brings the schema to version i+1. Append only: a database
// records the versions applied, and an old database must still open.
//
// Keys are COLLATE "C" so they sort by their bytes, as in SQLite and Go; a
// locale collation would put "a-b" after "a0" on one machine and not on
// another.
var migrations = []string{
	`CREATE TABLE kv (
		kind text  NOT NULL,
		key  text  COLLATE "C" NOT NULL,
		val  bytea NOT NULL,
		PRIMARY KEY (kind, key)
	)`,
}

// migrateLock is the advisory lock key that serialises migrations when
// several nodes start at once ("fsxd" in ASCII).
const migrateLock = 0x66737864

// migrate applies the missing migrations in one transaction. The advisory
// lock makes a node that starts alongside another wait, then find the work
// done: at READ COMMITTED each statement after the lock sees what the other
// committed.
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		// Waiting for another node's migration is not a stuck statement.
		if _, err := tx.Exec(ctx, `SET LOCAL statement_timeout = '5min'`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrateLock); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    integer PRIMARY KEY,
			applied_at timestamptz NOT NULL DEFAULT now()
		)`); err != nil {
			return err
		}
		var have int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
			return err
		}
		if have > len(migrations) {
			return fmt.Errorf("schema version %d is newer than this fsxd knows (%d)", have, len(migrations))
		}
		for v := have + 1; v <= len(migrations); v++ {
			if _, err := tx.Exec(ctx, migrations[v-1]); err != nil {
				return fmt.Errorf("migration %d: %w", v, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version) VALUES ($1)`, v); err != nil {
				return err
			}
		}
		return nil
	})
}
