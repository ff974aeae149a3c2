package iamapi

// The two lookups every request makes: the access key (SigV4) and the
// caller's policies (authz). Both are cached until the store's generation
// moves, which every committed update does (and, with a multi-node
// backend, every change another node announces): a deactivated key, a
// deleted key or a changed policy is seen by the next request.

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/fsxd/fsxd/auth"
	"github.com/fsxd/fsxd/policy"
	"github.com/fsxd/fsxd/store"
)

type cache struct {
	mu       sync.Mutex
	gen      uint64
	keys     map[string]auth.Key
	policies map[string][]*policy.Document // by user id
}

// advance moves the cache to generation gen, dropping what is older, and
// reports whether the cache is at gen. A reader that looked at the
// generation before a later reader moved the cache on just misses. c.mu
// must be held.
func (c *cache) advance(gen uint64) bool {
	if gen > c.gen || c.keys == nil {
		c.gen = gen
		c.keys = map[string]auth.Key{}
		c.policies = map[string][]*policy.Document{}
	}
	return gen == c.gen
}

func (c *cache) key(gen uint64, id string) (auth.Key, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.advance(gen) {
		return auth.Key{}, false
	}
	k, ok := c.keys[id]
	return k, ok
}

// putKey caches a key read at generation gen, unless the cache has moved
// on: a value read before a change must not outlive it.
func (c *cache) putKey(gen uint64, id string, k auth.Key) {
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

// LookupKey resolves an IAM user's access key for SigV4: the secret,
// opened with the master key, and the principal. An inactive key is
// returned with Active false (auth refuses it); an unknown one is
// auth.ErrUnknownKey.
func (s *Service) LookupKey(ctx context.Context, id string) (auth.Key, error) {
	gen := s.cfg.Store.Generation() // before reading: see putKey
	if k, ok := s.cache.key(gen, id); ok {
		return k, nil
	}
	var k *keyRec
	var u *userRec
	err := s.cfg.Store.View(ctx, func(tx *store.Tx) (err error) {
		if k, err = keys(tx).Get(id); err != nil {
			return err
		}
		u, err = users(tx).Get(nameKey(k.User))
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return auth.Key{}, auth.ErrUnknownKey
	} else if err != nil {
		return auth.Key{}, err
	}
	if s.cfg.Secrets == nil {
		return auth.Key{}, errors.New("iamapi: no master key to open access key secrets")
	}
	secret, err := s.cfg.Secrets.Open(k.Sealed, k.ID)
	if err != nil {
		return auth.Key{}, fmt.Errorf("iamapi: access key %s: %w", k.ID, err)
	}
	key := auth.Key{Secret: secret, Active: k.Status == statusActive, Principal: auth.Principal{
		AccountID: s.cfg.Account.ID, ARN: s.userARN(u.Path, u.Name), UserName: u.Name, UserID: u.ID,
	}}
	s.cache.putKey(gen, id, key)
	return key, nil
}

// IdentityPolicies returns p's identity policies: its inline policies and
// those of its groups, parsed. The root user has none (it needs none). A
// principal whose user is gone, or was recreated under the same name, has
// none either: its requests are denied.
func (s *Service) IdentityPolicies(ctx context.Context, p *auth.Principal) ([]*policy.Document, error) {
	if p == nil || p.IsRoot || p.UserName == "" {
		return nil, nil
	}
	gen := s.cfg.Store.Generation()
	if docs, ok := s.cache.docs(gen, p.UserID); ok {
		return docs, nil
	}
	var texts []string
	err := s.cfg.Store.View(ctx, func(tx *store.Tx) error {
		u, err := users(tx).Get(nameKey(p.UserName))
		if errors.Is(err, store.ErrNotFound) || err == nil && u.ID != p.UserID {
			return nil
		} else if err != nil {
			return err
		}
		texts = append(texts, sortedValues(u.Policies)...)
		for _, name := range u.Groups {
			g, err := groups(tx).Get(nameKey(name))
			if errors.Is(err, store.ErrNotFound) {
				continue
			} else if err != nil {
				return err
			}
			texts = append(texts, sortedValues(g.Policies)...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	docs := make([]*policy.Document, 0, len(texts))
	for _, t := range texts {
		d, err := policy.ParseKind([]byte(t), policy.IdentityPolicy)
		if err != nil {
			// Validated when stored; a document that no longer parses
			// (a stricter parser) must not silently drop a Deny.
			return nil, fmt.Errorf("iamapi: stored policy of %s no longer parses: %w", p.UserName, err)
		}
		docs = append(docs, d)
	}
	s.cache.putDocs(gen, p.UserID, docs)
	return docs, nil
}
