// Package keylock serialises work on one key within a process: a mutex
// per key, made when first needed and dropped when no one holds or waits
// for it, so the set stays as small as the keys in use.
package keylock

import "sync"

// Set is a set of per-key mutexes. The zero value is ready to use.
type Set struct {
	mu sync.Mutex
	m  map[string]*entry
}

type entry struct {
	mu   sync.Mutex
	refs int // holders and waiters
}

// Lock holds key until the returned func is called.
func (s *Set) Lock(key string) (unlock func()) {
	s.mu.Lock()
	if s.m == nil {
		s.m = map[string]*entry{}
	}
	e := s.m[key]
	if e == nil {
		e = &entry{}
		s.m[key] = e
	}
	e.refs++
	s.mu.Unlock()
	e.mu.Lock()
	return func() {
		e.mu.Unlock()
		s.mu.Lock()
		if e.refs--; e.refs == 0 {
			delete(s.m, key)
		}
		s.mu.Unlock()
	}
}

// Len is how many keys are held or waited for.
func (s *Set) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}
