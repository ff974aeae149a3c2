package store

import "slices"

// writes is a Raw that notes the kinds a transaction writes, so that
// Store.Update can tell caches of other kinds that nothing of theirs
// changed. A write that fails still counts: over-reporting costs a reload,
// under-reporting a stale answer.
type writes struct {
	Raw
	kinds []string // few per transaction: a slice beats a map
}

func (w *writes) note(kind string) {
	if !slices.Contains(w.kinds, kind) {
		w.kinds = append(w.kinds, kind)
	}
}

func (w *writes) Insert(kind, key string, val []byte) error {
	w.note(kind)
	return w.Raw.Insert(kind, key, val)
}

func (w *writes) Put(kind, key string, val []byte) error {
	w.note(kind)
	return w.Raw.Put(kind, key, val)
}

func (w *writes) Delete(kind, key string) error {
	w.note(kind)
	return w.Raw.Delete(kind, key)
}
