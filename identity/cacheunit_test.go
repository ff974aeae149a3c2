package identity

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/fsxd/fsxd/store"
)

func refs(kr ...string) store.Reads {
	var r store.Reads
	for i := 0; i < len(kr); i += 2 {
		r.Refs = append(r.Refs, store.Ref{Kind: kr[i], Key: kr[i+1]})
	}
	return r
}

// TestCacheDrop: a change drops the entries that read what it wrote, by
// record, by kind (scanned, or changed wholesale) or all, and no others.
func TestCacheDrop(t *testing.T) {
	scanner := refs("iam-key", "k")
	scanner.Kinds = []string{"iam-role"}
	fill := func() *cache {
		c := &cache{}
		c.put(c.begin(), slot{id: "a"}, 1, refs("iam-user", "a", "iam-group", "g"))
		c.put(c.begin(), slot{id: "b"}, 2, refs("iam-user", "b", "iam-group", "g"))
		c.put(c.begin(), slot{id: "c"}, 3, scanner)
		return c
	}
	tests := []struct {
		name   string
		change store.Change
		left   []string
	}{
		{"user a", store.Change{Refs: []store.Ref{{Kind: "iam-user", Key: "a"}}}, []string{"b", "c"}},
		{"group g", store.Change{Refs: []store.Ref{{Kind: "iam-group", Key: "g"}}}, []string{"c"}},
		{"another group", store.Change{Refs: []store.Ref{{Kind: "iam-group", Key: "h"}}}, []string{"a", "b", "c"}},
		{"users wholesale", store.Change{Kinds: []string{"iam-user"}}, []string{"c"}},
		{"a role (c scanned roles)", store.Change{Refs: []store.Ref{{Kind: "iam-role", Key: "x"}}}, []string{"a", "b"}},
		{"all", store.Change{All: true}, nil},
	}
	for _, tc := range tests {
		c := fill()
		c.drop(tc.change)
		var left []string
		for s := range c.entries {
			left = append(left, s.id)
		}
		slices.Sort(left)
		if !slices.Equal(left, tc.left) {
			t.Errorf("after %s: left %q, want %q", tc.name, left, tc.left)
		}
	}
}

// TestCacheInFlight: a fill that began before a change to what it read is
// not cached; one that did not read it is; one that saw more changes
// pass than the cache remembers is not.
func TestCacheInFlight(t *testing.T) {
	c := &cache{}
	start := c.begin()
	c.drop(store.Change{Refs: []store.Ref{{Kind: "iam-user", Key: "a"}}})
	c.put(start, slot{id: "a"}, 1, refs("iam-user", "a"))
	c.put(start, slot{id: "b"}, 2, refs("iam-user", "b"))
	if _, ok := c.get(slot{id: "a"}); ok {
		t.Error("a fill that read a record changed since it began was cached")
	}
	if _, ok := c.get(slot{id: "b"}); !ok {
		t.Error("a fill that read nothing changed since it began was not cached")
	}
	start = c.begin()
	for i := range logSize {
		c.drop(store.Change{Refs: []store.Ref{{Kind: "iam-user", Key: fmt.Sprint("other", i)}}})
	}
	c.put(start, slot{id: "c"}, 3, refs("iam-user", "c"))
	if _, ok := c.get(slot{id: "c"}); ok {
		t.Errorf("a fill that saw %d changes pass was cached", logSize)
	}
}

// TestCacheBound: the cache holds at most maxEntries, and its indexes
// forget what it evicts.
func TestCacheBound(t *testing.T) {
	c := &cache{}
	for i := range maxEntries + 10 {
		id := fmt.Sprint(i)
		c.put(c.begin(), slot{id: id}, i, refs("iam-key", id))
	}
	if len(c.entries) != maxEntries || len(c.byRef) != maxEntries {
		t.Errorf("%d entries, %d records indexed; want %d", len(c.entries), len(c.byRef), maxEntries)
	}
	for r, slots := range c.byRef {
		for s := range maps.Keys(slots) {
			if _, ok := c.entries[s]; !ok || s.id != r.Key {
				t.Fatalf("index names %v for %v, not cached", s, r)
			}
		}
	}
}
