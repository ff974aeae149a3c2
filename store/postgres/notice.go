package postgres

import (
	"net/url"
	"slices"
	"strings"

	"github.com/fsxd/fsxd/store"
)

// A commit notice's payload is the committing node's id, then ':' and a
// comma-separated list: the kinds it wrote, then the records, each as
// kind=key with the key query-escaped. Other nodes drop only caches of
// those records; a kind listed without records of it means any record of
// that kind. Nodes of the previous version read each record as a kind
// nobody watches besides the bare kinds, so they drop caches of the kinds,
// as before. A payload of the id alone, which is all nodes of older
// versions send, means anything may have changed, and so does one that
// does not parse. NOTIFY payloads must stay under 8000 bytes, hence
// maxNotice: a longer list drops its records, then its kinds.
const maxNotice = 7000

// maxWritten bounds the records a transaction remembers for its notice:
// more would not fit in one anyway.
const maxWritten = maxNotice / 8

// written is what a transaction wrote: its kinds, and its records unless
// there were too many (over).
type written struct {
	kinds []string
	refs  []store.Ref
	over  bool
}

func (w *written) note(kind, key string) {
	if !slices.Contains(w.kinds, kind) {
		w.kinds = append(w.kinds, kind)
	}
	r := store.Ref{Kind: kind, Key: key}
	switch {
	case w.over || slices.Contains(w.refs, r):
	case len(w.refs) == maxWritten:
		w.over, w.refs = true, nil
	default:
		w.refs = append(w.refs, r)
	}
}

// notice is the payload announcing w by node id. Kinds that cannot be
// listed (a separator in a name) are announced as "anything changed".
func notice(id string, w written) string {
	for _, k := range w.kinds {
		if k == "" || strings.ContainsAny(k, ",:=") {
			return id
		}
	}
	list := strings.Join(w.kinds, ",")
	if !w.over {
		var b strings.Builder
		b.WriteString(list)
		for _, r := range w.refs {
			b.WriteString("," + r.Kind + "=" + url.QueryEscape(r.Key))
		}
		if len(id)+1+b.Len() <= maxNotice {
			return id + ":" + b.String()
		}
	}
	if len(id)+1+len(list) > maxNotice {
		return id
	}
	return id + ":" + list
}

// parseNotice splits a payload into the node id and what was written;
// known is false when the payload does not list it.
func parseNotice(p string) (id string, c store.Change, known bool) {
	id, list, ok := strings.Cut(p, ":")
	if !ok || list == "" {
		return id, store.Change{}, false
	}
	var kinds []string
	for _, e := range strings.Split(list, ",") {
		kind, esc, isRef := strings.Cut(e, "=")
		key, err := url.QueryUnescape(esc)
		if kind == "" || err != nil {
			return id, store.Change{}, false
		}
		if !isRef {
			kinds = append(kinds, kind)
		} else {
			c.Refs = append(c.Refs, store.Ref{Kind: kind, Key: key})
		}
	}
	for _, k := range kinds {
		if !slices.ContainsFunc(c.Refs, func(r store.Ref) bool { return r.Kind == k }) {
			c.Kinds = append(c.Kinds, k) // no records listed: any of them
		}
	}
	return id, c, true
}
