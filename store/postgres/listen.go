package postgres

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
)

// listen opens a connection of its own (outside the pool, which would want
// it back) and LISTENs on it.
func (b *Backend) listen(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, b.pool.Config().ConnConfig)
	if err != nil {
		return nil, fmt.Errorf("postgres: listen: %w", mapErr(ctx, err))
	}
	if _, err := conn.Exec(ctx, "LISTEN "+channel); err != nil {
		conn.Close(context.Background())
		return nil, fmt.Errorf("postgres: listen: %w", mapErr(ctx, err))
	}
	return conn, nil
}

// watch turns notifications into Changes until ctx ends, reconnecting with
// backoff when the connection fails.
func (b *Backend) watch(ctx context.Context, conn *pgx.Conn) {
	defer close(b.changes)
	delay := 100 * time.Millisecond
	for {
		b.relay(ctx, conn)
		conn.Close(context.Background())
		for conn = nil; conn == nil; {
			if sleep(ctx, delay/2+rand.N(delay/2)) != nil {
				return
			}
			// Capped low: until it listens again this node's caches miss
			// other nodes' changes, and that bounds how stale they get.
			delay = min(2*delay, time.Second)
			conn, _ = b.listen(ctx)
		}
		delay = 100 * time.Millisecond
		b.pending.addAll() // commits made while we were away went unheard
		b.signal()
	}
}

// relay forwards other nodes' notifications until the connection fails or
// ctx ends.
func (b *Backend) relay(ctx context.Context, conn *pgx.Conn) {
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return
		}
		id, c, known := parseNotice(n.Payload)
		if id == b.id {
			continue
		}
		if known {
			b.pending.add(c)
		} else {
			b.pending.addAll()
		}
		b.signal()
	}
}

// signal leaves one value pending on changes without blocking: a reader
// that has not yet taken the last one will reload anyway.
func (b *Backend) signal() {
	select {
	case b.changes <- struct{}{}:
	default:
	}
}
