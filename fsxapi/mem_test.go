package fsxapi

import (
	"context"
	"errors"
	"maps"
	"sort"
	"sync"

	"github.com/fsxd/fsxd/store"
)

// memBackend is a minimal in-memory store.Backend for this package's
// tests (the real backends have their own conformance suite). Updates
// work on a copy that replaces the data only on success: rollback for
// free.
type memBackend struct {
	mu         sync.Mutex
	data       map[string]map[string][]byte
	failCommit bool // the next update runs, then fails as a commit would
	// committed, when set, runs after each committed update, unlocked.
	committed func()
}

func newMemStore() (*store.Store, *memBackend) {
	b := &memBackend{data: map[string]map[string][]byte{}}
	return store.New(b), b
}

type memRaw struct{ data map[string]map[string][]byte }

func (m *memBackend) View(_ context.Context, fn func(store.Raw) error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return fn(memRaw{m.data})
}

func (m *memBackend) Update(ctx context.Context, fn func(store.Raw) error) error {
	err := m.update(fn)
	if err == nil && m.committed != nil {
		m.committed()
	}
	return err
}

func (m *memBackend) update(fn func(store.Raw) error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	cp := make(map[string]map[string][]byte, len(m.data))
	for k, v := range m.data {
		cp[k] = maps.Clone(v)
	}
	if err := fn(memRaw{cp}); err != nil {
		return err
	}
	if m.failCommit {
		m.failCommit = false
		return errors.New("mem: commit failed")
	}
	m.data = cp
	return nil
}

func (m *memBackend) Changes() <-chan struct{}   { return nil }
func (m *memBackend) Ping(context.Context) error { return nil }
func (m *memBackend) Close() error               { return nil }

func (r memRaw) Get(kind, key string) ([]byte, error) {
	v, ok := r.data[kind][key]
	if !ok {
		return nil, store.ErrNotFound
	}
	return v, nil
}

func (r memRaw) Insert(kind, key string, val []byte) error {
	if _, ok := r.data[kind][key]; ok {
		return store.ErrExists
	}
	return r.Put(kind, key, val)
}

func (r memRaw) Put(kind, key string, val []byte) error {
	if r.data[kind] == nil {
		r.data[kind] = map[string][]byte{}
	}
	r.data[kind][key] = val
	return nil
}

func (r memRaw) Delete(kind, key string) error {
	if _, ok := r.data[kind][key]; !ok {
		return store.ErrNotFound
	}
	delete(r.data[kind], key)
	return nil
}

func (r memRaw) Scan(kind, after string, fn func(string, []byte) (bool, error)) error {
	keys := make([]string, 0, len(r.data[kind]))
	for k := range r.data[kind] {
		if k > after {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		more, err := fn(k, r.data[kind][k])
		if err != nil || !more {
			return err
		}
	}
	return nil
}
