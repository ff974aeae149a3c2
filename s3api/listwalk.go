package s3api

import (
	"context"
	"strings"
	"sync"

	"github.com/fsxd/fsxd/volume"
)

// The listing engine turns volume's ordered walk into one S3 page. It is
// apart from the handlers so that it can be tested and fuzzed against a
// naive sort-and-group reference over a fake walk.

// walkFunc is volume.FS.Walk.
type walkFunc func(ctx context.Context, o volume.WalkOptions, fn func(volume.Entry) error) error

type listQuery struct {
	prefix, delimiter string
	after             string // list strictly after: start-after, marker or token
	max               int
}

type listPage struct {
	objects   []volume.Info
	prefixes  []string
	truncated bool
	last      string // the last key or common prefix returned: the next marker
}

func (p *listPage) count() int { return len(p.objects) + len(p.prefixes) }

// objectBufs recycles pages' object slices: a 1,000-key page grew its
// slice of ~100-byte Infos through eight copies, per page.
var objectBufs = sync.Pool{New: func() any { return new([]volume.Info) }}

// release gives the page's objects back for another page; p is empty after.
func (p *listPage) release() {
	if cap(p.objects) == 0 || cap(p.objects) > 2*maxListKeys {
		return
	}
	clear(p.objects) // drop the Meta pointers
	b := p.objects[:0]
	p.objects = nil
	objectBufs.Put(&b)
}

// maxSkip bounds how many keys under one common prefix are skipped while
// streaming before the walk is restarted past the whole prefix: a restart
// costs a directory read per level, skipping costs a stat per key.
const maxSkip = 1000

// collect returns the page of q. With delimiter "/" volume rolls up
// directories itself and never descends them; any other delimiter is
// applied here, over the full walk, skipping each rolled-up group in the
// stream (or, past maxSkip keys, by restarting the walk after it).
//
// A common prefix is returned once: a marker inside a group (or equal to
// it, as a NextMarker is) means the whole group was already returned, so
// the walk starts past it. "\xff" never occurs in UTF-8, so group+"\xff"
// sorts after every key in the group and before every key after it.
func collect(ctx context.Context, walk walkFunc, q listQuery) (listPage, error) {
	var pg listPage
	if q.max <= 0 {
		return pg, nil
	}
	pg.objects = *objectBufs.Get().(*[]volume.Info)
	from := q.after
	if g := groupOf(q.after, q.prefix, q.delimiter); g != "" {
		from = g + "\xff"
	}
	slash := q.delimiter == "/"
	for {
		resume := ""
		skipping, skipped := "", 0
		err := walk(ctx, volume.WalkOptions{Prefix: q.prefix, StartAfter: from, Delimiter: slash, Want: q.max + 1 - pg.count()}, func(e volume.Entry) error {
			k := e.Key
			if k <= q.after || !strings.HasPrefix(k, q.prefix) {
				return nil
			}
			if skipping != "" && strings.HasPrefix(k, skipping) {
				if skipped++; skipped > maxSkip {
					resume = skipping + "\xff"
					return volume.ErrStopWalk
				}
				return nil
			}
			g := k
			if !e.IsPrefix {
				g = groupOf(k, q.prefix, q.delimiter)
			}
			if g != "" && g <= q.after {
				return nil
			}
			if pg.count() == q.max {
				pg.truncated = true
				return volume.ErrStopWalk
			}
			if g != "" {
				pg.prefixes = append(pg.prefixes, g)
				pg.last = g
				if !e.IsPrefix {
					skipping, skipped = g, 0
				}
				return nil
			}
			pg.objects = append(pg.objects, e.Info)
			pg.last = k
			return nil
		})
		if err != nil || resume == "" {
			return pg, err
		}
		from = resume
	}
}

// groupOf is the common prefix key k rolls up into: the prefix and what
// follows up to and including the first delimiter after it, or "".
func groupOf(k, prefix, delim string) string {
	if delim == "" || !strings.HasPrefix(k, prefix) {
		return ""
	}
	i := strings.Index(k[len(prefix):], delim)
	if i < 0 {
		return ""
	}
	return k[:len(prefix)+i+len(delim)]
}
