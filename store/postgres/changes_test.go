package postgres_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fsxd/fsxd/store"
)

func TestChangesAcrossNodes(t *testing.T) {
	dsn := newSchema(t)
	a, b := open(t, dsn, optsZero), open(t, dsn, optsZero)
	ctx := context.Background()
	expectQuiet(t, b.Changes(), "after Open")

	if err := a.Update(ctx, func(r store.Raw) error { return r.Put("k", "x", nil) }); err != nil {
		t.Fatal(err)
	}
	expectChange(t, b.Changes(), time.Second, "after a's Update")
	expectQuiet(t, a.Changes(), "a's own Update")

	readOnly := func(r store.Raw) error { _, err := r.Get("k", "x"); return err }
	if err := a.Update(ctx, readOnly); err != nil {
		t.Fatal(err)
	}
	expectQuiet(t, b.Changes(), "an Update that wrote nothing")
}

// TestChangesAfterReconnect kills the listening connection: the backend
// reconnects and reports a change, since it may have missed some.
func TestChangesAfterReconnect(t *testing.T) {
	app := "fsxd_reconnect_" + randHex()
	b := open(t, withParam(newSchema(t), "application_name", app), optsZero)
	expectQuiet(t, b.Changes(), "after Open")
	var n int
	err := admin.QueryRow(context.Background(), `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE application_name = $1 AND query LIKE 'LISTEN%'`, app).Scan(&n)
	if err != nil || n != 1 {
		t.Fatalf("terminated %d listeners, %v; want 1", n, err)
	}
	expectChange(t, b.Changes(), 5*time.Second, "after reconnecting")
}

func TestChangesClosed(t *testing.T) {
	b := open(t, newSchema(t), optsZero)
	b.Close()
	select {
	case _, ok := <-b.Changes():
		if ok {
			// A pending value may come first; the close follows it.
			_, ok = <-b.Changes()
		}
		if ok {
			t.Error("Changes still open after Close")
		}
	case <-time.After(time.Second):
		t.Error("Changes not closed by Close")
	}
}

func expectChange(t *testing.T, ch <-chan struct{}, within time.Duration, when string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(within):
		t.Fatalf("no change within %v %s", within, when)
	}
}

func expectQuiet(t *testing.T, ch <-chan struct{}, when string) {
	t.Helper()
	select {
	case <-ch:
		t.Errorf("unexpected change: %s", when)
	case <-time.After(200 * time.Millisecond):
	}
}

// schemaOf returns the search_path a DSN from newSchema sets.
func schemaOf(t *testing.T, dsn string) string {
	u, err := url.Parse(dsn)
	if err == nil && u.Scheme != "" {
		return u.Query().Get("search_path")
	}
	i := strings.LastIndex(dsn, "search_path=")
	return strings.Fields(dsn[i+len("search_path="):])[0]
}
