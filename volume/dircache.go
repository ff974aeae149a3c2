package volume

import (
	"container/list"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// The listing cache keeps sorted directory listings between walks, so a
// page of a directory of a million files costs a binary search and the
// page's own stats instead of reading and sorting a million names.
//
// A listing is looked up by the directory's identity (device, inode) and
// served only if the directory's stamp (mtime and ctime with nanoseconds,
// size and link count, from the fstat every walk makes of the directory
// it opened) still equals the stamp read before the listing was read.
// Every change to a directory's entries, by fsxd, by another process or
// by another node sharing the file system, sets its mtime and ctime, so a
// walk on any node sees a changed stamp and reads the directory again.
//
// Time stamps are coarse: a change made in the same clock tick as the
// read would leave the stamp as it was. A listing is therefore cached only
// if the directory's mtime and ctime were at least listSlack older than
// the clock when its stamp was read: any change after that gets a later
// stamp. A directory changed more recently is read afresh on every page
// (only the part the walk can visit is kept: see readDir's keep).

// listSlack covers the file system's time stamp granularity (2 s on the
// coarsest, FAT-like ones) and small clock differences between nodes.
var listSlack = 2 * time.Second

// DefaultListCacheBytes bounds the listings kept for all volumes together.
const DefaultListCacheBytes = 128 << 20

// dirs is the listing cache shared by every Root: volumes may nest, and
// a directory is the same whichever volume lists it.
var dirs = newDirCache(DefaultListCacheBytes)

// SetListCacheBytes sets the bound of the listing cache, and a quarter
// of it as the Meta cache's (metacache.go); 0 disables both.
func SetListCacheBytes(n int64) {
	dirs.setMax(n)
	metas.setMax(n / 4)
}

type listID struct{ dev, ino uint64 }

// dirStamp is what any change to a directory's entries changes.
type dirStamp struct {
	mtime, ctime unix.Timespec
	size         int64
	nlink        uint64
}

func dirStampOf(st *unix.Stat_t) dirStamp {
	return dirStamp{mtime: st.Mtim, ctime: st.Ctim, size: st.Size, nlink: uint64(st.Nlink)}
}

// settled reports whether the stamp is old enough, at clock reading now
// (taken before the stamp was read), for a listing to be cached.
func (s dirStamp) settled(now time.Time) bool {
	limit := now.Add(-listSlack).UnixNano()
	return s.mtime.Nano() < limit && s.ctime.Nano() < limit
}

type cached struct {
	id    listID
	stamp dirStamp
	l     *listing
}

// build is one read of a directory in progress; walks that saw the same
// stamp wait for it instead of reading the directory too.
type build struct {
	stamp dirStamp
	done  chan struct{}
	l     *listing
	err   error
}

type dirCache struct {
	mu     sync.Mutex
	max    int64
	used   int64
	lru    list.List // of *cached, most recent first
	byID   map[listID]*list.Element
	builds map[listID]*build
	hits   atomic.Int64 // for tests and benchmarks
	reads  atomic.Int64
}

func newDirCache(max int64) *dirCache {
	return &dirCache{max: max, byID: map[listID]*list.Element{}, builds: map[listID]*build{}}
}

func (c *dirCache) setMax(n int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.max = n
	c.evict()
}

// get returns the listing of the directory whose fstat is st, taken at or
// after now, reading it with read on a miss. read's listing is cached
// only when read keeps every entry (keep == nil): with partial, the
// caller gets a listing it may filter.
func (c *dirCache) get(st *unix.Stat_t, now time.Time, read func(partial bool) (*listing, error)) (*listing, error) {
	id, stamp := listID{st.Dev, st.Ino}, dirStampOf(st)
	if !stamp.settled(now) || c.max <= 0 {
		c.reads.Add(1)
		return read(true)
	}
	c.mu.Lock()
	if e, ok := c.byID[id]; ok && e.Value.(*cached).stamp == stamp {
		c.lru.MoveToFront(e)
		c.mu.Unlock()
		c.hits.Add(1)
		return e.Value.(*cached).l, nil
	}
	if b, ok := c.builds[id]; ok && b.stamp == stamp {
		c.mu.Unlock()
		<-b.done
		return b.l, b.err
	}
	b := &build{stamp: stamp, done: make(chan struct{})}
	c.builds[id] = b
	c.mu.Unlock()

	c.reads.Add(1)
	b.l, b.err = read(false)
	c.mu.Lock()
	if c.builds[id] == b {
		delete(c.builds, id)
	}
	if b.err == nil {
		c.put(id, stamp, b.l)
	}
	c.mu.Unlock()
	close(b.done)
	return b.l, b.err
}

// put caches l (c.mu held), replacing any listing of the same directory.
func (c *dirCache) put(id listID, stamp dirStamp, l *listing) {
	if e, ok := c.byID[id]; ok {
		c.used -= e.Value.(*cached).l.size()
		c.lru.Remove(e)
		delete(c.byID, id)
	}
	if l.size() > c.max {
		return
	}
	c.byID[id] = c.lru.PushFront(&cached{id: id, stamp: stamp, l: l})
	c.used += l.size()
	c.evict()
}

// evict drops least recently used listings until the cache fits (c.mu held).
func (c *dirCache) evict() {
	for c.used > c.max && c.lru.Len() > 0 {
		e := c.lru.Back()
		v := e.Value.(*cached)
		c.lru.Remove(e)
		delete(c.byID, v.id)
		c.used -= v.l.size()
	}
}
