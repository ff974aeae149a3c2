package postgres

import (
	"sync"

	"github.com/fsxd/fsxd/store"
)

// maxPending bounds the records gathered between two takes; beyond it
// their kinds count as changed wholesale.
const maxPending = 4096

// pending gathers what other nodes changed until Store takes it.
type pending struct {
	mu    sync.Mutex
	kinds map[string]struct{} // any record of these
	refs  map[store.Ref]struct{}
	all   bool
}

func (p *pending) add(c store.Change) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.kinds == nil {
		p.kinds, p.refs = map[string]struct{}{}, map[store.Ref]struct{}{}
	}
	for _, k := range c.Kinds {
		p.kinds[k] = struct{}{}
	}
	for _, r := range c.Refs {
		p.refs[r] = struct{}{}
	}
	if len(p.refs) > maxPending {
		for r := range p.refs {
			p.kinds[r.Kind] = struct{}{}
		}
		clear(p.refs)
	}
}

func (p *pending) addAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.all = true
}

func (p *pending) take() store.Change {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := store.Change{All: p.all}
	for k := range p.kinds {
		c.Kinds = append(c.Kinds, k)
	}
	for r := range p.refs {
		c.Refs = append(c.Refs, r)
	}
	p.kinds, p.refs, p.all = nil, nil, false
	return c
}

// TakeChanged returns what other nodes changed since the last call
// (store.ChangedKinds). Changes are added before Changes is signalled, so
// after a value is received they are there to take.
func (b *Backend) TakeChanged() store.Change { return b.pending.take() }

var _ store.ChangedKinds = (*Backend)(nil)
