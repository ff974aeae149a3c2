package store

import (
	"context"
	"slices"
)

// Ref names one record: a key of a kind.
type Ref struct{ Kind, Key string }

// Change is what a commit wrote, as precisely as it is known: records
// (Refs), kinds any record of which may have changed (Kinds), or, for
// another node's commit of unknown kinds, anything at all (All).
type Change struct {
	All   bool
	Kinds []string
	Refs  []Ref
}

// kinds returns the kinds c names, once each.
func (c Change) kinds() []string {
	out := slices.Clone(c.Kinds)
	for _, r := range c.Refs {
		if !slices.Contains(out, r.Kind) {
			out = append(out, r.Kind)
		}
	}
	return out
}

// only returns the part of c that concerns kinds, and whether there is
// one.
func (c Change) only(kinds []string) (Change, bool) {
	if c.All {
		return c, true
	}
	var out Change
	for _, k := range c.Kinds {
		if slices.Contains(kinds, k) {
			out.Kinds = append(out.Kinds, k)
		}
	}
	for _, r := range c.Refs {
		if slices.Contains(kinds, r.Kind) {
			out.Refs = append(out.Refs, r)
		}
	}
	return out, len(out.Kinds) > 0 || len(out.Refs) > 0
}

type subscriber struct {
	kinds []string
	fn    func(Change)
}

// OnChange calls fn with what each commit wrote of kinds, if anything (or
// with All, when another node's commit wrote unknown kinds): after a
// local Update commits and before it returns, so a read that starts after
// Update returned finds fn's work done; and when another node's commit is
// heard. Calls may be concurrent. fn must be quick and not use s.
func (s *Store) OnChange(kinds []string, fn func(Change)) {
	s.subMu.Lock()
	defer s.subMu.Unlock()
	var subs []subscriber
	if p := s.subs.Load(); p != nil {
		subs = slices.Clone(*p)
	}
	subs = append(subs, subscriber{slices.Clone(kinds), fn})
	s.subs.Store(&subs)
}

func (s *Store) notify(c Change) {
	p := s.subs.Load()
	if p == nil {
		return
	}
	for _, sub := range *p {
		if part, ok := c.only(sub.kinds); ok {
			sub.fn(part)
		}
	}
}

// Reads are the records a transaction read (by Get, found or not) and
// the kinds it scanned: what a value computed from them depends on.
type Reads struct {
	Refs  []Ref
	Kinds []string
}

// ViewReads is View, also returning what fn read, so that a cache of
// fn's result can be dropped when one of those records changes
// (OnChange).
func (s *Store) ViewReads(ctx context.Context, fn func(*Tx) error) (Reads, error) {
	var r *reads
	err := s.b.View(ctx, func(raw Raw) error {
		r = &reads{Raw: raw}
		return fn(&Tx{raw: r})
	})
	if r == nil {
		return Reads{}, err
	}
	return r.Reads, err
}

// reads is a Raw that notes what a transaction reads.
type reads struct {
	Raw
	Reads
}

func (r *reads) Get(kind, key string) ([]byte, error) {
	if ref := (Ref{kind, key}); !slices.Contains(r.Refs, ref) {
		r.Refs = append(r.Refs, ref)
	}
	return r.Raw.Get(kind, key)
}

func (r *reads) Scan(kind, after string, fn func(string, []byte) (bool, error)) error {
	if !slices.Contains(r.Kinds, kind) {
		r.Kinds = append(r.Kinds, kind)
	}
	return r.Raw.Scan(kind, after, fn)
}
