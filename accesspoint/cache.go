package accesspoint

import (
	"sync"
	"time"

	"github.com/fsxd/fsxd/multipart"
	"github.com/fsxd/fsxd/s3api"
	"github.com/fsxd/fsxd/volume"
)

// apCache holds what the data plane's lookups reuse: one volume.Root per
// volume directory (an open directory fd, shared by every access point of
// the volume), one multipart.Store per staging directory, and the access
// points themselves, each tagged with the store generation it was read at
// and dropped when the generation moves on.
type apCache struct {
	mu      sync.Mutex
	roots   map[string]*volume.Root
	uploads map[string]*multipart.Store
	entries map[string]cacheEntry
}

type cacheEntry struct {
	gen uint64
	ap  *s3api.AccessPoint // nil: no such access point
}

// maxEntries bounds the lookup cache; lookups of made-up names are cached
// too (so they cost no store read), and would otherwise grow it forever.
const maxEntries = 1 << 16

// staleRootGrace is how long a replaced root stays open for requests that
// are still using it.
const staleRootGrace = time.Minute

func (c *apCache) entry(key string, gen uint64) (cacheEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	return e, ok && e.gen == gen
}

func (c *apCache) put(key string, e cacheEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= maxEntries {
		c.entries = map[string]cacheEntry{}
	}
	c.entries[key] = e
}

func (c *apCache) forget(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, key)
}

// root returns the open root of dir, opening it on first use or when the
// cached one no longer checks out (the directory was removed and
// restored).
func (c *apCache) root(dir string, opts volume.Options) (*volume.Root, error) {
	c.mu.Lock()
	r := c.roots[dir]
	c.mu.Unlock()
	if r != nil && r.Check() == nil {
		return r, nil
	}
	nr, err := volume.OpenRoot(dir, opts)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	cur := c.roots[dir]
	if cur != r && cur != nil && cur.Check() == nil {
		nr.Close() // another lookup reopened it first
		return cur, nil
	}
	if c.roots == nil {
		c.roots = map[string]*volume.Root{}
	}
	c.roots[dir] = nr
	c.retire(cur) // only the cached one: a dropped root was retired when dropped
	return nr, nil
}

// checkDir reports whether dir is usable as a volume root: the open root
// still checks out or, with none open, dir is a directory. A stale root is
// retired, so the next lookup reopens the directory.
func (c *apCache) checkDir(dir string) error {
	c.mu.Lock()
	r := c.roots[dir]
	c.mu.Unlock()
	if r != nil {
		if r.Check() == nil {
			return nil
		}
		c.drop(dir, r)
	}
	return dirExists(dir)
}

// drop retires r if it is still dir's cached root.
func (c *apCache) drop(dir string, r *volume.Root) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.roots[dir] == r {
		delete(c.roots, dir)
		c.retire(r)
	}
}

// retire closes a replaced root once requests using it are done.
func (c *apCache) retire(r *volume.Root) {
	if r != nil {
		time.AfterFunc(staleRootGrace, func() { r.Close() })
	}
}

// staging returns the multipart store of dir.
func (c *apCache) staging(dir string, now func() time.Time) (*multipart.Store, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st := c.uploads[dir]; st != nil {
		return st, nil
	}
	st, err := multipart.Open(dir)
	if err != nil {
		return nil, err
	}
	st.Now = now
	if c.uploads == nil {
		c.uploads = map[string]*multipart.Store{}
	}
	c.uploads[dir] = st
	return st, nil
}

func (c *apCache) closeAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range c.roots {
		r.Close()
	}
	c.roots, c.entries = nil, nil
}
