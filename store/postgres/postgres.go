// Package postgres is fsxd's multi-node store backend: any number of
// stateless fsxd nodes share one PostgreSQL database. Updates run at
// SERIALIZABLE and are retried on conflict, so a read-then-write such as a
// lease claim happens exactly once across nodes; each commit NOTIFYs the
// other nodes, whose caches reload on Changes.
package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/fsxd/fsxd/store"
	"github.com/jackc/pgx/v5/pgxpool"
)

var _ store.Backend = (*Backend)(nil)

// Options tune Open. Zero values take the defaults.
type Options struct {
	// MaxConns is the pool size. Default 4*GOMAXPROCS.
	MaxConns int32
	// StatementTimeout bounds each statement on the server, so a stuck lock
	// becomes an error instead of a hung request. Default 5s; <0 disables.
	StatementTimeout time.Duration
	// ConnectTimeout bounds dialing and authenticating. Default 5s.
	ConnectTimeout time.Duration
	// MaxAttempts bounds how often Update runs fn when transactions
	// conflict (serialization failures, deadlocks). Default 10.
	MaxAttempts int
}

func (o *Options) defaults() {
	if o.MaxConns <= 0 {
		o.MaxConns = int32(4 * runtime.GOMAXPROCS(0))
	}
	if o.StatementTimeout == 0 {
		o.StatementTimeout = 5 * time.Second
	}
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = 5 * time.Second
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 10
	}
}

// Backend is a store.Backend on a PostgreSQL database.
type Backend struct {
	pool    *pgxpool.Pool
	opts    Options
	id      string // this node's NOTIFY payload, to ignore its own commits
	changes chan struct{}
	pending pending // what changes announces
	stop    context.CancelFunc
	done    sync.WaitGroup

	closeOnce sync.Once
}

// Open connects to the database at dsn (a libpq URL or key=value string;
// tables go to the first schema on its search_path), brings the schema up
// to date and starts listening for other nodes' commits. A database that
// cannot be reached gives an error wrapping store.ErrUnavailable.
func Open(ctx context.Context, dsn string, opts Options) (*Backend, error) {
	opts.defaults()
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	cfg.MaxConns = opts.MaxConns
	cfg.ConnConfig.ConnectTimeout = opts.ConnectTimeout
	if opts.StatementTimeout > 0 {
		cfg.ConnConfig.RuntimeParams["statement_timeout"] = strconv.FormatInt(opts.StatementTimeout.Milliseconds(), 10)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	b := &Backend{pool: pool, opts: opts, id: newID(), changes: make(chan struct{}, 1)}
	if err := b.start(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return b, nil
}

func (b *Backend) start(ctx context.Context) error {
	if err := b.Ping(ctx); err != nil {
		return err
	}
	if err := migrate(ctx, b.pool); err != nil {
		return fmt.Errorf("postgres: migrate: %w", mapErr(ctx, err))
	}
	// LISTEN before returning, so no commit after Open goes unnoticed.
	l, err := b.listen(ctx)
	if err != nil {
		return err
	}
	lctx, stop := context.WithCancel(context.Background())
	b.stop = stop
	b.done.Go(func() { b.watch(lctx, l) })
	return nil
}

func newID() string {
	var p [8]byte
	rand.Read(p[:])
	return hex.EncodeToString(p[:])
}

// Changes delivers a value after another node commits an Update, and after
// the listening connection is re-established (commits may have been missed).
// Values coalesce: one pending value stands for any number of changes,
// whose kinds TakeChanged tells. The channel is closed by Close.
func (b *Backend) Changes() <-chan struct{} { return b.changes }

// Ping checks that the database answers.
func (b *Backend) Ping(ctx context.Context) error {
	if err := b.pool.Ping(ctx); err != nil {
		return fmt.Errorf("postgres: ping: %w", mapErr(ctx, err))
	}
	return nil
}

// Close stops listening and closes the pool. It may be called more than once.
func (b *Backend) Close() error {
	b.closeOnce.Do(func() {
		b.stop()
		b.done.Wait()
		b.pool.Close()
	})
	return nil
}
