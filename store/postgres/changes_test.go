package postgres_test

import (
	"context"
	"fmt"
	"net/url"
	"reflect"
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

// TestChangedKindsAcrossNodes: another node's commit moves only the
// watches of the kinds it wrote; a notice without kinds (an older node's)
// moves them all.
func TestChangedKindsAcrossNodes(t *testing.T) {
	dsn := newSchema(t)
	a := open(t, dsn, optsZero)
	s := store.New(open(t, dsn, optsZero))
	ctx := context.Background()
	iam, other := s.Watch("iam-user"), s.Watch("volume")
	tests := []struct {
		name             string
		commit           func() error
		iamMoves, others bool
	}{
		{"volume", func() error { return a.Update(ctx, func(r store.Raw) error { return r.Put("volume", "v", nil) }) }, false, true},
		{"iam-user", func() error { return a.Update(ctx, func(r store.Raw) error { return r.Put("iam-user", "u", nil) }) }, true, false},
		{"old node", func() error {
			_, err := admin.Exec(ctx, `SELECT pg_notify('fsxd_changes', $1)`, "0123456789abcdef")
			return err
		}, true, true},
	}
	for _, tc := range tests {
		g0, i0, o0 := s.Generation(), iam.Generation(), other.Generation()
		if err := tc.commit(); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		waitGeneration(t, s, g0)
		if moved := iam.Generation() != i0; moved != tc.iamMoves {
			t.Errorf("after %s: iam-user watch moved = %v, want %v", tc.name, moved, tc.iamMoves)
		}
		if moved := other.Generation() != o0; moved != tc.others {
			t.Errorf("after %s: volume watch moved = %v, want %v", tc.name, moved, tc.others)
		}
	}
}

// waitGeneration waits for s's generation to move past g0: the notice
// arrives asynchronously.
func waitGeneration(t *testing.T, s *store.Store, g0 uint64) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); s.Generation() == g0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no change announced within 5s")
		}
	}
}

// TestChangedKindsRecordsAcrossNodes: another node's commit is heard as
// the records it wrote; one writing more than a notice holds, as its
// kinds; an older node's bare notice, as anything.
func TestChangedKindsRecordsAcrossNodes(t *testing.T) {
	dsn := newSchema(t)
	a := store.New(open(t, dsn, optsZero))
	b := store.New(open(t, dsn, optsZero))
	ctx := context.Background()
	heard := make(chan store.Change, 16)
	b.OnChange([]string{"iam-user", "iam-group"}, func(c store.Change) { heard <- c })
	put := func(kind string, keys ...string) func() error {
		return func() error {
			return a.Update(ctx, func(tx *store.Tx) error {
				for _, k := range keys {
					if err := tx.Raw().Put(kind, k, nil); err != nil {
						return err
					}
				}
				return tx.Raw().Put("volume", "v", nil)
			})
		}
	}
	many := make([]string, 2000)
	for i := range many {
		many[i] = fmt.Sprintf("user-%04d", i)
	}
	tests := []struct {
		name   string
		commit func() error
		want   store.Change
	}{
		{"one user", put("iam-user", "a,b=c"), store.Change{Refs: []store.Ref{{Kind: "iam-user", Key: "a,b=c"}}}},
		{"many users", put("iam-user", many...), store.Change{Kinds: []string{"iam-user"}}},
		{"old node", func() error {
			_, err := admin.Exec(ctx, `SELECT pg_notify('fsxd_changes', $1)`, "0123456789abcdef")
			return err
		}, store.Change{All: true}},
	}
	for _, tc := range tests {
		if err := tc.commit(); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		select {
		case c := <-heard:
			if !reflect.DeepEqual(c, tc.want) {
				t.Errorf("after %s: heard %+v, want %+v", tc.name, c, tc.want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("after %s: nothing heard within 5s", tc.name)
		}
	}
}
