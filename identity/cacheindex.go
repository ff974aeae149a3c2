package identity

// The cache's indexes: which entries read which records and kinds, kept
// in step with the entries so that drop finds them without a scan.

import (
	"maps"
	"slices"

	"github.com/fsxd/fsxd/store"
)

func (c *cache) insert(s slot, e *entry) {
	if c.entries == nil {
		c.entries = map[slot]*entry{}
		c.byRef = map[store.Ref]map[slot]struct{}{}
		c.byKind = map[string]map[slot]struct{}{}
	}
	c.entries[s] = e
	for _, r := range e.reads.Refs {
		add(c.byRef, r, s)
	}
	for _, k := range e.reads.Kinds {
		add(c.byKind, k, s)
	}
}

func (c *cache) remove(s slot) {
	e, ok := c.entries[s]
	if !ok {
		return
	}
	delete(c.entries, s)
	for _, r := range e.reads.Refs {
		del(c.byRef, r, s)
	}
	for _, k := range e.reads.Kinds {
		del(c.byKind, k, s)
	}
}

// removeAll removes the entries in slots (a set remove changes: copy).
func (c *cache) removeAll(slots map[slot]struct{}) {
	if len(slots) == 0 {
		return
	}
	for _, s := range slices.Collect(maps.Keys(slots)) {
		c.remove(s)
	}
}

func add[K comparable](m map[K]map[slot]struct{}, k K, s slot) {
	set := m[k]
	if set == nil {
		set = map[slot]struct{}{}
		m[k] = set
	}
	set[s] = struct{}{}
}

func del[K comparable](m map[K]map[slot]struct{}, k K, s slot) {
	if set := m[k]; set != nil {
		delete(set, s)
		if len(set) == 0 {
			delete(m, k)
		}
	}
}
