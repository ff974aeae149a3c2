package identity

// The cache of resolved keys and policy lists. Each entry keeps the
// records it was computed from (store.Reads: the user, its groups, the
// managed policies attached, the key, the role, the session), and a
// committed write drops exactly the entries that read what it wrote
// (drop, called by the store's OnChange before the writer's Update
// returns, or when another node's commit is heard). A write to one user
// leaves every other user's entries alone; a write to a group drops its
// members' (they read it); a managed policy's, those it is attached to.

import (
	"slices"
	"sync"

	"github.com/fsxd/fsxd/store"
)

// Sizes: logSize changes are remembered for fills in flight (one that
// saw more pass is not cached); maxEntries bounds the cache, since
// nothing but writes and eviction empties it (sessions keep coming).
const (
	logSize    = 64
	maxEntries = 1 << 16
)

// slot names an entry: an access key (by id) or a principal's policies
// (by user id).
type slot struct {
	policies bool
	id       string
}

type entry struct {
	val   any // Credential or []*policy.Document
	reads store.Reads
}

type cache struct {
	mu      sync.Mutex
	seq     uint64                // changes dropped so far
	log     [logSize]store.Change // change n is log[n%logSize]
	entries map[slot]*entry
	byRef   map[store.Ref]map[slot]struct{} // record -> entries that read it
	byKind  map[string]map[slot]struct{}    // kind -> entries that read any record of it
}

// begin returns the point a fill starts from, taken before it reads.
func (c *cache) begin() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.seq
}

func (c *cache) get(s slot) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[s]
	if !ok {
		return nil, false
	}
	return e.val, true
}

// put caches val, computed from reads by a fill that began at start,
// unless a change dropped since start touched what it read: a value read
// before a change must not outlive it.
func (c *cache) put(start uint64, s slot, val any, reads store.Reads) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seq-start >= logSize {
		return // too many changes since to tell: don't cache
	}
	for n := start + 1; n <= c.seq; n++ {
		if touches(c.log[n%logSize], reads) {
			return
		}
	}
	c.remove(s)
	if len(c.entries) >= maxEntries {
		for old := range c.entries { // a random one: map order
			c.remove(old)
			break
		}
	}
	c.insert(s, &entry{val: val, reads: reads})
}

// drop forgets the entries that read what ch wrote (store.OnChange).
func (c *cache) drop(ch store.Change) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	c.log[c.seq%logSize] = ch
	if ch.All {
		c.entries, c.byRef, c.byKind = nil, nil, nil
		return
	}
	for _, k := range ch.Kinds {
		c.removeAll(c.byKind[k])
		for r, slots := range c.byRef {
			if r.Kind == k {
				c.removeAll(slots)
			}
		}
	}
	for _, r := range ch.Refs {
		c.removeAll(c.byRef[r])
		c.removeAll(c.byKind[r.Kind])
	}
}

// touches reports whether ch wrote anything reads read.
func touches(ch store.Change, reads store.Reads) bool {
	if ch.All {
		return true
	}
	read := func(kind string) bool {
		return slices.Contains(reads.Kinds, kind) ||
			slices.ContainsFunc(reads.Refs, func(r store.Ref) bool { return r.Kind == kind })
	}
	for _, k := range ch.Kinds {
		if read(k) {
			return true
		}
	}
	for _, r := range ch.Refs {
		if slices.Contains(reads.Refs, r) || slices.Contains(reads.Kinds, r.Kind) {
			return true
		}
	}
	return false
}
