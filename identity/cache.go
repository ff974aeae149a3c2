package identity

import (
	"sync"

	"github.com/fsxd/fsxd/policy"
)

// cache holds resolved keys and parsed policies for one generation of the
// IAM kinds (Directory.gen).
type cache struct {
	mu       sync.Mutex
	gen      uint64
	keys     map[string]Credential
	policies map[string][]*policy.Document // by user id
}

// advance moves the cache to generation gen, dropping what is older, and
// reports whether the cache is at gen. A reader that looked at the
// generation before a later reader moved the cache on just misses. c.mu
// must be held.
func (c *cache) advance(gen uint64) bool {
	if gen > c.gen || c.keys == nil {
		c.gen = gen
		c.keys = map[string]Credential{}
		c.policies = map[string][]*policy.Document{}
	}
	return gen == c.gen
}

func (c *cache) key(gen uint64, id string) (Credential, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.advance(gen) {
		return Credential{}, false
	}
	k, ok := c.keys[id]
	return k, ok
}

// putKey caches a key read at generation gen, unless the cache has moved
// on: a value read before a change must not outlive it.
func (c *cache) putKey(gen uint64, id string, k Credential) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.advance(gen) {
		c.keys[id] = k
	}
}

func (c *cache) docs(gen uint64, userID string) ([]*policy.Document, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.advance(gen) {
		return nil, false
	}
	d, ok := c.policies[userID]
	return d, ok
}

func (c *cache) putDocs(gen uint64, userID string, d []*policy.Document) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.advance(gen) {
		c.policies[userID] = d
	}
}
