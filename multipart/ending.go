package multipart

import "sync"

// endings serialises the ends of one upload (Complete, Abort) within
// this process: a second Complete then finds the first one's result, and
// an Abort either comes before a Complete (which then finds no upload) or
// after it (and finds none itself), never in the middle. Across nodes the
// slot file's lock (AdoptSlots) keeps the bytes of an object whole.
type endings struct {
	mu sync.Mutex
	m  map[string]*ending
}

type ending struct {
	mu   sync.Mutex
	refs int
}

// EndLock holds upload id's end until the returned func is called.
func (s *Store) EndLock(id string) (unlock func()) {
	e := &s.ends
	e.mu.Lock()
	if e.m == nil {
		e.m = map[string]*ending{}
	}
	x := e.m[id]
	if x == nil {
		x = &ending{}
		e.m[id] = x
	}
	x.refs++
	e.mu.Unlock()
	x.mu.Lock()
	return func() {
		x.mu.Unlock()
		e.mu.Lock()
		if x.refs--; x.refs == 0 {
			delete(e.m, id)
		}
		e.mu.Unlock()
	}
}
