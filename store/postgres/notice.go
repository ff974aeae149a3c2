package postgres

import (
	"strings"
	"sync"

	"github.com/fsxd/fsxd/store"
)

// A commit notice's payload is the committing node's id, then ':' and the
// kinds it wrote, comma-separated: other nodes drop only caches of those
// kinds. A payload of the id alone, which is all nodes of older versions
// send, means any kind may have changed, and so does one that does not
// parse. NOTIFY payloads must stay under 8000 bytes, hence maxNotice.
const maxNotice = 7000

// notice is the payload announcing a commit by node id that wrote kinds.
// Kinds that cannot be listed (too many, or a separator in a name) are
// announced as "anything changed".
func notice(id string, kinds []string) string {
	n := len(id)
	for _, k := range kinds {
		if k == "" || strings.ContainsAny(k, ",:") {
			return id
		}
		n += len(k) + 1
	}
	if n > maxNotice {
		return id
	}
	return id + ":" + strings.Join(kinds, ",")
}

// parseNotice splits a payload into the node id and the kinds written;
// known is false when the payload does not list them.
func parseNotice(p string) (id string, kinds []string, known bool) {
	id, list, ok := strings.Cut(p, ":")
	if !ok || list == "" {
		return id, nil, false
	}
	kinds = strings.Split(list, ",")
	for _, k := range kinds {
		if k == "" {
			return id, nil, false
		}
	}
	return id, kinds, true
}

// pending gathers the kinds other nodes changed until Store takes them.
type pending struct {
	mu    sync.Mutex
	kinds map[string]struct{}
	all   bool
}

func (p *pending) add(kinds []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.kinds == nil {
		p.kinds = map[string]struct{}{}
	}
	for _, k := range kinds {
		p.kinds[k] = struct{}{}
	}
}

func (p *pending) addAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.all = true
}

func (p *pending) take() (kinds []string, all bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for k := range p.kinds {
		kinds = append(kinds, k)
	}
	all = p.all
	p.kinds, p.all = nil, false
	return kinds, all
}

// TakeChanged returns the kinds other nodes changed since the last call
// (store.ChangedKinds). Kinds are added before Changes is signalled, so
// after a value is received they are there to take.
func (b *Backend) TakeChanged() (kinds []string, all bool) { return b.pending.take() }

var _ store.ChangedKinds = (*Backend)(nil)
