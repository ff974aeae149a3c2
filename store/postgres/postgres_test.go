package postgres_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/fsxd/fsxd/store"
	"github.com/fsxd/fsxd/store/postgres"
	"github.com/fsxd/fsxd/store/storetest"
)

// opener opens a backend on a fresh schema per test, the same schema when a
// test opens twice.
func opener(opts postgres.Options) storetest.Opener {
	var dsns sync.Map // *testing.T -> DSN
	return func(t *testing.T) store.Backend {
		d, ok := dsns.Load(t)
		if !ok {
			d, _ = dsns.LoadOrStore(t, newSchema(t))
		}
		return open(t, d.(string), opts)
	}
}

func open(t testing.TB, dsn string, opts postgres.Options) *postgres.Backend {
	t.Helper()
	b, err := postgres.Open(context.Background(), dsn, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func TestConformance(t *testing.T) { storetest.Run(t, opener(postgres.Options{})) }

// TestConformanceSmallPool runs the suite with fewer connections than the
// concurrency tests have goroutines: they must queue, not fail.
func TestConformanceSmallPool(t *testing.T) {
	storetest.Run(t, opener(postgres.Options{MaxConns: 2}))
}

func TestUnreachableIsUnavailable(t *testing.T) {
	_, err := postgres.Open(context.Background(),
		"postgres://postgres@127.0.0.1:1/postgres?sslmode=disable", postgres.Options{ConnectTimeout: time.Second})
	if !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("Open(closed port) = %v, want ErrUnavailable", err)
	}
}

// TestConcurrentOpen starts nodes at once on an empty schema: the advisory
// lock lets exactly one migrate.
func TestConcurrentOpen(t *testing.T) {
	dsn := newSchema(t)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			b, err := postgres.Open(context.Background(), dsn, postgres.Options{})
			if err != nil {
				t.Error(err)
				return
			}
			b.Close()
		})
	}
	wg.Wait()
	var n int
	q := "SELECT count(*) FROM " + schemaOf(t, dsn) + ".schema_migrations"
	if err := admin.QueryRow(context.Background(), q).Scan(&n); err != nil || n != 1 {
		t.Errorf("schema_migrations rows = %d, %v; want 1", n, err)
	}
}

func TestNodesShareCounter(t *testing.T) {
	dsn := newSchema(t)
	nodes := []*postgres.Backend{open(t, dsn, postgres.Options{}), open(t, dsn, postgres.Options{})}
	ctx := context.Background()
	err := nodes[0].Update(ctx, func(r store.Raw) error { return r.Put("counter", "n", []byte("0")) })
	if err != nil {
		t.Fatal(err)
	}
	const perNode, each = 4, 25
	var wg sync.WaitGroup
	for _, b := range nodes {
		for range perNode {
			wg.Go(func() {
				for range each {
					if err := b.Update(ctx, increment); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
	}
	wg.Wait()
	var got []byte
	err = nodes[1].View(ctx, func(r store.Raw) (err error) { got, err = r.Get("counter", "n"); return err })
	if want := strconv.Itoa(len(nodes) * perNode * each); err != nil || string(got) != want {
		t.Errorf("counter = %s, %v; want %s", got, err, want)
	}
}

func increment(r store.Raw) error {
	v, err := r.Get("counter", "n")
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(string(v))
	if err != nil {
		return err
	}
	return r.Put("counter", "n", []byte(strconv.Itoa(n+1)))
}

var optsZero = postgres.Options{}
