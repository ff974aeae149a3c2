package volume

import (
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"

	"github.com/fsxd/fsxd"
)

// The Meta cache keeps the decoded Meta a listing read of a file (or that
// it had none), so the next listing of an unchanged file costs its fstatat
// alone instead of a getxattr and a decode (and, without Meta, a second
// fstatat: see unchanged).
//
// An entry is looked up by the file's identity (device, inode) and served
// only while the file's ctime (with nanoseconds), size and mtime are those
// of the stat the Meta was read after. setxattr, write, truncate, chmod,
// chown, link and rename all set ctime from the clock, by fsxd, by another
// process or by another node sharing the file system, and every listing
// stats each file it returns, so a changed file misses. Because time stamps
// are coarse, an entry is made only when that ctime was at least listSlack
// older than the clock read before the stat (the "settled" rule of the
// listing cache): a change after the read then gets a later ctime.
//
// The Meta is also what the identity could read: with Kernel enforcement
// an unreadable xattr lists without Meta. Permission changes set ctime too,
// so the entry's key holds the identity (uid, gid, groups) and the answer
// is the same for as long as the entry is served. With a MetaDir the Meta
// is not on the inode and changing it leaves the ctime alone, so the
// cache is not used there.

// metaCost is what an entry with Meta is counted as beyond its xattr's
// bytes: the map slot and a decoded Meta with its ETag and a checksum map
// (measured: 750 B of heap for a 119-byte xattr). noMetaCost is an entry
// of a file without Meta: the map slot alone.
const (
	metaCost   = 640
	noMetaCost = 128
)

// metas is shared by every Root, as dirs is; SetListCacheBytes bounds it
// to a quarter of the listing cache's bound.
var metas = newMetaCache(DefaultListCacheBytes / 4)

// metaKey is where a file's entry lives: its device, inode and identity
// mixed into one word, so that a lookup takes the map's uint64 fast path
// (a struct key cost a listing ~2.5× as much per key). Two files may
// share a slot; the entry names its file, and the other one misses.
type metaKey uint64

func metaKeyOf(dev, ino uint64, who uint32) metaKey {
	return metaKey(ino ^ dev*0x9E3779B97F4A7C15 ^ uint64(who)*0xC2B2AE3D27D4EB4F)
}

// metaEntry is one file's Meta as of one stat of it.
type metaEntry struct {
	dev, ino     uint64
	who          uint32 // walkerID of the walk that read it
	ctime, mtime unix.Timespec
	size         int64
	meta         *Meta // nil: the file had no Meta valid for it
	cost         int64
}

// fits reports whether e is of the file st, as st has it, for who.
func (e *metaEntry) fits(st *unix.Stat_t, who uint32) bool {
	return e.ino == st.Ino && e.dev == st.Dev && e.who == who &&
		e.ctime == st.Ctim && e.mtime == st.Mtim && e.size == st.Size
}

// metaCache holds two generations: entries go into cur, and when cur has
// used half the bound it becomes old and the former old is dropped, so
// the whole stays under the bound without a list node per entry. A hit
// in old moves the entry to cur, so what listings keep using survives.
type metaCache struct {
	mu        sync.Mutex
	max       int64
	cur, old  map[metaKey]metaEntry
	used      int64        // by cur
	hits      atomic.Int64 // for tests and benchmarks
	misses    atomic.Int64
	evictions atomic.Int64
}

func newMetaCache(max int64) *metaCache {
	return &metaCache{max: max, cur: map[metaKey]metaEntry{}}
}

func (c *metaCache) setMax(n int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.max = n
	c.cur, c.old, c.used = map[metaKey]metaEntry{}, nil, 0
}

// get returns the cached Meta of the file st for identity who; ok false
// when there is none for this state of the file (or who is 0).
func (c *metaCache) get(who uint32, st *unix.Stat_t) (m *Meta, ok bool) {
	if who == 0 {
		return nil, false
	}
	k := metaKeyOf(st.Dev, st.Ino, who)
	c.mu.Lock()
	e, ok := c.cur[k]
	if !ok {
		if e, ok = c.old[k]; ok {
			delete(c.old, k)
			c.add(k, e)
		}
	}
	c.mu.Unlock()
	if !ok || !e.fits(st, who) {
		c.misses.Add(1)
		return nil, false
	}
	c.hits.Add(1)
	return e.meta, true
}

// put remembers m (nil: none) as the Meta of the file st for identity
// who. rawLen is its encoded size, for the bound.
func (c *metaCache) put(who uint32, st *unix.Stat_t, m *Meta, rawLen int) {
	e := metaEntry{dev: st.Dev, ino: st.Ino, who: who, ctime: st.Ctim, mtime: st.Mtim, size: st.Size, meta: m, cost: noMetaCost}
	if m != nil {
		e.cost = metaCost + int64(rawLen)
	}
	k := metaKeyOf(st.Dev, st.Ino, who)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.max <= 0 || who == 0 {
		return
	}
	if old, ok := c.cur[k]; ok {
		c.used -= old.cost
	}
	delete(c.old, k)
	c.add(k, e)
}

// add puts e into cur (c.mu held), turning generations when cur is full.
func (c *metaCache) add(k metaKey, e metaEntry) {
	if c.used+e.cost > c.max/2 {
		c.evictions.Add(int64(len(c.old)))
		c.old, c.cur, c.used = c.cur, make(map[metaKey]metaEntry, len(c.cur)), 0
	}
	c.cur[k] = e
	c.used += e.cost
}

// maxCreds bounds the identities the cache tells apart; later ones are
// not cached (a deployment has a few per access point at most).
const maxCreds = 1 << 16

var creds struct {
	sync.Mutex
	ids map[string]uint32
}

// walkerID is who a walk of f reads Meta as, for the Meta cache: 0 (no
// caching) with a MetaDir, else the identity and how its access is
// enforced (Kernel applies ACLs, UserSpace mode bits only: the same
// identity may be refused the Meta by one and not the other).
func walkerID(f *FS) uint32 {
	if f.r.md != nil {
		return 0
	}
	mode := "u"
	if f.r.kernel {
		mode = "k"
	}
	return credID(mode + credKey(f.id))
}

// credID numbers the key of an identity's credentials (uid, gid, groups
// and enforcement) for the Meta cache, from 1; 0 when maxCreds are
// numbered already.
func credID(k string) uint32 {
	creds.Lock()
	defer creds.Unlock()
	if n, ok := creds.ids[k]; ok {
		return n
	}
	if len(creds.ids) >= maxCreds {
		return 0
	}
	if creds.ids == nil {
		creds.ids = map[string]uint32{}
	}
	n := uint32(len(creds.ids) + 1)
	creds.ids[k] = n
	return n
}

// credKey names an identity's credentials for the Meta cache.
func credKey(id fsxd.PosixIdentity) string {
	var b strings.Builder
	b.WriteString(strconv.FormatUint(uint64(id.UID), 10))
	b.WriteByte(':')
	b.WriteString(strconv.FormatUint(uint64(id.GID), 10))
	for _, g := range id.Groups {
		b.WriteByte(',')
		b.WriteString(strconv.FormatUint(uint64(g), 10))
	}
	return b.String()
}
