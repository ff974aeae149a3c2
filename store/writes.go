package store

import "slices"

// maxRefs bounds the records a Change lists; a transaction that writes
// more reports its kinds alone (any record of them may have changed).
const maxRefs = 256

// writes is a Raw that notes what a transaction writes, so that
// Store.Update can tell caches of other records that nothing of theirs
// changed. A write that fails still counts: over-reporting costs a reload,
// under-reporting a stale answer.
type writes struct {
	Raw
	kinds []string // few per transaction: a slice beats a map
	refs  []Ref
	over  bool // more than maxRefs records: refs is incomplete
}

func (w *writes) note(kind, key string) {
	if !slices.Contains(w.kinds, kind) {
		w.kinds = append(w.kinds, kind)
	}
	r := Ref{Kind: kind, Key: key}
	switch {
	case w.over || slices.Contains(w.refs, r):
	case len(w.refs) == maxRefs:
		w.over, w.refs = true, nil
	default:
		w.refs = append(w.refs, r)
	}
}

// change is what the transaction wrote, or nil if nothing (or if fn
// never ran: w is nil).
func (w *writes) change() *Change {
	switch {
	case w == nil || len(w.kinds) == 0:
		return nil
	case w.over:
		return &Change{Kinds: w.kinds}
	}
	return &Change{Refs: w.refs}
}

func (w *writes) Insert(kind, key string, val []byte) error {
	w.note(kind, key)
	return w.Raw.Insert(kind, key, val)
}

func (w *writes) Put(kind, key string, val []byte) error {
	w.note(kind, key)
	return w.Raw.Put(kind, key, val)
}

func (w *writes) Delete(kind, key string) error {
	w.note(kind, key)
	return w.Raw.Delete(kind, key)
}
