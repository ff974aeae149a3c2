package postgres

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/fsxd/fsxd/store"
	"github.com/jackc/pgx/v5"
)

// channel carries commit notices between nodes.
const channel = "fsxd_changes"

// View runs fn in a read-only REPEATABLE READ transaction: one snapshot for
// all of fn's reads, which never conflict and so are never retried.
func (b *Backend) View(ctx context.Context, fn func(store.Raw) error) error {
	tx, err := b.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return fmt.Errorf("postgres: begin: %w", mapErr(ctx, err))
	}
	defer rollback(ctx, tx)
	r := &raw{ctx: ctx, tx: tx}
	if err := fn(r); err != nil {
		return err
	}
	return r.err // fn may have ignored a failed statement
}

// Update runs fn in a SERIALIZABLE transaction. When it conflicts with a
// concurrent one (on this node or another) it runs fn again, so fn must not
// have effects outside the transaction.
//
// Retries are pessimistic: a retried transaction first takes a table lock
// that excludes other writers, before its snapshot is taken, so it cannot
// conflict again. Optimistic retries alone starve under contention: a
// goroutine that has backed off keeps losing to fresh transactions.
func (b *Backend) Update(ctx context.Context, fn func(store.Raw) error) error {
	for attempt := 1; ; attempt++ {
		err := b.updateOnce(ctx, fn, attempt > 1)
		if !retryable(err) {
			return err
		}
		if attempt >= b.opts.MaxAttempts {
			// Contention, not a bad request: worth the client's retry.
			return fmt.Errorf("%w: %d conflicting attempts: %w", store.ErrUnavailable, attempt, err)
		}
		if err := sleep(ctx, backoff(attempt)); err != nil {
			return err
		}
	}
}

// lockWriters excludes other writers (INSERT, UPDATE and DELETE take ROW
// EXCLUSIVE) but not readers. As a transaction's first statement it waits
// before the snapshot is taken, so the snapshot includes every write
// committed before it.
const lockWriters = `LOCK TABLE kv IN SHARE ROW EXCLUSIVE MODE`

func (b *Backend) updateOnce(ctx context.Context, fn func(store.Raw) error, exclusive bool) error {
	tx, err := b.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.Serializable})
	if err != nil {
		return fmt.Errorf("postgres: begin: %w", mapErr(ctx, err))
	}
	defer rollback(ctx, tx)
	if exclusive {
		if _, err := tx.Exec(ctx, lockWriters); err != nil {
			return fmt.Errorf("postgres: lock: %w", mapErr(ctx, err))
		}
	}
	r := &raw{ctx: ctx, tx: tx}
	err = fn(r)
	// A failed statement aborts the transaction. Report it if fn swallowed
	// it, and in preference to fn's error if it calls for a retry.
	if r.err != nil && (err == nil || retryable(r.err)) {
		return r.err
	}
	if err != nil {
		return err
	}
	return b.commit(ctx, tx, r.wrote)
}

func (b *Backend) commit(ctx context.Context, tx pgx.Tx, wrote written) error {
	if len(wrote.kinds) > 0 {
		// Delivered at commit, and only if the commit succeeds.
		if _, err := tx.Exec(ctx, `SELECT pg_notify($1, $2)`, channel, notice(b.id, wrote)); err != nil {
			return fmt.Errorf("postgres: notify: %w", mapErr(ctx, err))
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: commit: %w", mapErr(ctx, err))
	}
	return nil
}

// rollback ends tx if it is still open. It runs even when ctx is done, so
// the connection goes back to the pool clean.
func rollback(ctx context.Context, tx pgx.Tx) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	tx.Rollback(ctx)
}

// backoff is full jitter over an exponential ceiling, so that retries,
// which queue on the table lock, do not also collide in lockstep.
func backoff(attempt int) time.Duration {
	return rand.N(min(time.Millisecond<<attempt, 50*time.Millisecond)) + time.Millisecond/2
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
