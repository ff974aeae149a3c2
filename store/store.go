// Package store keeps fsxd's metadata: file systems, SVMs, volumes,
// attachments, idempotency tokens, IAM principals and leases. Backends
// (store/sqlite, store/postgres) implement a small transactional key-value
// contract (Backend, Raw); this package layers typed tables on top, so every
// backend passes the same conformance suite (store/storetest) by construction
// of very little code. schema.go declares every table and its record type
// once; the records' JSON is the persisted format (see schema.go).
package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// Errors every backend returns (wrapped is fine).
var (
	ErrNotFound    = errors.New("store: not found")
	ErrExists      = errors.New("store: already exists")
	ErrUnavailable = errors.New("store: database unavailable")
)

// Raw is one transaction's view of the key-value space. Keys are ordered by
// their bytes within a kind.
type Raw interface {
	Get(kind, key string) ([]byte, error)
	Insert(kind, key string, val []byte) error // ErrExists if present
	Put(kind, key string, val []byte) error    // upsert
	Delete(kind, key string) error             // ErrNotFound if absent
	// Scan calls fn for keys > after in ascending order until fn returns
	// false or an error.
	Scan(kind, after string, fn func(key string, val []byte) (bool, error)) error
}

// Backend is what a database implements.
type Backend interface {
	View(ctx context.Context, fn func(Raw) error) error
	Update(ctx context.Context, fn func(Raw) error) error
	// Changes delivers a value whenever another node may have changed data
	// (nil channel for single-node backends). What changed, a backend may
	// tell through ChangedKinds; one that does not has changed everything.
	Changes() <-chan struct{}
	Ping(ctx context.Context) error
	Close() error
}

// ChangedKinds is implemented by a multi-node backend that knows what
// other nodes' commits wrote. TakeChanged returns, and forgets, what was
// written since the last call: records where they are known, kinds where
// only those are, All for a change of unknown kinds (a node of an older
// version, a missed notice).
type ChangedKinds interface {
	TakeChanged() Change
}

// Store is the typed store fsxd uses.
type Store struct {
	b     Backend
	gen   atomic.Uint64 // every change
	all   atomic.Uint64 // changes of unknown kinds
	kinds sync.Map      // kind -> *atomic.Uint64, changes that wrote it

	subMu sync.Mutex // serialises OnChange
	subs  atomic.Pointer[[]subscriber]
}

// New wraps a backend.
func New(b Backend) *Store {
	s := &Store{b: b}
	if ch := b.Changes(); ch != nil {
		ck, _ := b.(ChangedKinds)
		go func() {
			for range ch {
				s.remote(ck)
			}
		}()
	}
	return s
}

// remote counts another node's changes.
func (s *Store) remote(ck ChangedKinds) {
	if ck == nil {
		s.changed(Change{All: true})
		return
	}
	s.changed(ck.TakeChanged())
}

// changed tells subscribers of c and counts it. It runs after the commit;
// the per-kind counters move before Generation's, so a reader never sees
// the latter new and the former old.
func (s *Store) changed(c Change) {
	s.notify(c)
	if c.All {
		s.all.Add(1)
	}
	for _, k := range c.kinds() {
		s.counter(k).Add(1)
	}
	s.gen.Add(1)
}

func (s *Store) counter(kind string) *atomic.Uint64 {
	if c, ok := s.kinds.Load(kind); ok {
		return c.(*atomic.Uint64)
	}
	c, _ := s.kinds.LoadOrStore(kind, new(atomic.Uint64))
	return c.(*atomic.Uint64)
}

// Generation changes after every committed update (local or, with a
// multi-node backend, remote). Caches compare it to know when to reload.
func (s *Store) Generation() uint64 { return s.gen.Load() }

// Watch returns a generation that changes only after a committed update
// that wrote one of kinds (or whose kinds are unknown): a cache of those
// kinds alone keeps what it holds across unrelated writes.
func (s *Store) Watch(kinds ...string) *Watch {
	w := &Watch{all: &s.all}
	for _, k := range kinds {
		w.kinds = append(w.kinds, s.counter(k))
	}
	return w
}

// Watch is a generation over some kinds (Store.Watch).
type Watch struct {
	all   *atomic.Uint64
	kinds []*atomic.Uint64
}

// Generation is the sum of the kinds' counters and the unknown-kinds one.
// Each only grows, and a reader that starts after a change reads every
// counter after it, so the sum it reads exceeds any a reader that missed
// the change could have read.
func (w *Watch) Generation() uint64 {
	g := w.all.Load()
	for _, c := range w.kinds {
		g += c.Load()
	}
	return g
}

// View runs fn in a read-only transaction.
func (s *Store) View(ctx context.Context, fn func(*Tx) error) error {
	return s.b.View(ctx, func(r Raw) error { return fn(&Tx{raw: r}) })
}

// Update runs fn in a read-write transaction; an error rolls back. The
// records the last attempt of fn wrote count as changed even when Update
// fails: a commit whose answer was lost may still have happened, and a
// needless reload costs less than a stale cache.
func (s *Store) Update(ctx context.Context, fn func(*Tx) error) error {
	var w *writes
	err := s.b.Update(ctx, func(r Raw) error {
		w = &writes{Raw: r} // a retried fn starts over
		return fn(&Tx{raw: w})
	})
	if c := w.change(); c != nil {
		s.changed(*c)
	} else if err == nil {
		s.changed(Change{})
	}
	return err
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.b.Ping(ctx) }

// Close closes the backend.
func (s *Store) Close() error { return s.b.Close() }

// Tx is one transaction.
type Tx struct{ raw Raw }

// Raw exposes the untyped view (for kinds defined outside this package).
func (tx *Tx) Raw() Raw { return tx.raw }

// Kind names a table and the type of its records, once (schema.go): code
// reaches a table only through its Kind, so reading one kind as another's
// records does not compile.
type Kind[T any] struct {
	Name string // the kind in the key-value space; never changes
}

// In returns the table in tx.
func (k Kind[T]) In(tx *Tx) Table[T] { return Table[T]{raw: tx.raw, kind: k.Name} }

// Table is a typed view of one kind in one transaction. Values are stored
// as JSON.
type Table[T any] struct {
	raw  Raw
	kind string
}

// Get returns the value at key or ErrNotFound.
func (t Table[T]) Get(key string) (*T, error) {
	b, err := t.raw.Get(t.kind, key)
	if err != nil {
		return nil, err
	}
	v := new(T)
	if err := json.Unmarshal(b, v); err != nil {
		return nil, fmt.Errorf("store: decode %s/%s: %w", t.kind, key, err)
	}
	return v, nil
}

// Insert adds a new value; ErrExists if key is taken.
func (t Table[T]) Insert(key string, v *T) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return t.raw.Insert(t.kind, key, b)
}

// Put stores v at key, replacing any value.
func (t Table[T]) Put(key string, v *T) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return t.raw.Put(t.kind, key, b)
}

// Delete removes key; ErrNotFound if absent.
func (t Table[T]) Delete(key string) error { return t.raw.Delete(t.kind, key) }

// List returns up to limit values with keys > after, in key order, keeping
// only those keep accepts (keep may be nil). limit <= 0 means no limit. It
// also returns the key of the last value returned, for pagination.
func (t Table[T]) List(after string, limit int, keep func(*T) bool) ([]*T, string, error) {
	var out []*T
	last := ""
	err := t.raw.Scan(t.kind, after, func(key string, b []byte) (bool, error) {
		v := new(T)
		if err := json.Unmarshal(b, v); err != nil {
			return false, fmt.Errorf("store: decode %s/%s: %w", t.kind, key, err)
		}
		if keep == nil || keep(v) {
			out = append(out, v)
			last = key
		}
		return limit <= 0 || len(out) < limit, nil
	})
	return out, last, err
}

// Count counts the values keep accepts.
func (t Table[T]) Count(keep func(*T) bool) (int, error) {
	n := 0
	err := t.raw.Scan(t.kind, "", func(_ string, b []byte) (bool, error) {
		if keep == nil {
			n++
			return true, nil
		}
		v := new(T)
		if err := json.Unmarshal(b, v); err != nil {
			return false, err
		}
		if keep(v) {
			n++
		}
		return true, nil
	})
	return n, err
}
