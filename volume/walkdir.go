package volume

import (
	"bytes"
	"errors"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// testHookStat, if set, counts the entries a walk stats; testHookPinned
// those it reads through statPinned.
var testHookStat, testHookPinned func()

// Stat batches grow from minWindow to maxWindow entries per credential
// switch, so a one-key page stats few files and a long listing few switches.
const (
	minWindow = 64
	maxWindow = 1024
)

// open opens a directory as the identity (opener does the path part),
// requires read and search on it, and gets its sorted entries, from the
// listing cache when the directory has not changed (dircache.go). keep
// says which entries the walk may visit, for a listing read uncached.
// marker is its Info when it is a DirMarker directory.
func (w *walker) open(key string, keep func([]byte) bool, opener func(f *FS) (int, error)) (fr *frame, marker *Info, err error) {
	fd := -1
	var st unix.Stat_t
	now := time.Now() // before the stamp is read: see listSlack
	err = w.f.do(w.ctx, func() error {
		var err error
		if fd, err = opener(w.f); err != nil {
			return err
		}
		if err = unix.Fstat(fd, &st); err == nil {
			err = w.f.userCheck(fd, "", unix.R_OK|unix.X_OK)
		}
		if err != nil {
			unix.Close(fd)
			return err
		}
		in := w.dirInfo(key, fd, &st, now)
		if in.Meta != nil && in.Meta.DirMarker {
			marker = &in
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	ents, err := dirs.get(&st, now, func(partial bool) (*listing, error) {
		if !partial {
			keep = nil
		}
		return readDir(fd, func(ents []dent) error {
			return w.f.do(w.ctx, func() error { classifyAt(fd, ents); return nil })
		}, keep)
	})
	if err != nil {
		unix.Close(fd)
		return nil, nil, err
	}
	return &frame{key: key, fd: fd, ents: ents}, marker, nil
}

// dirInfo is the Info of directory fd, whose stat st was read after now,
// with its Meta from the Meta cache when it is settled: a page opens every
// directory on its way, and the Meta tells a DirMarker. fd pins the inode,
// so the Meta read is st's; the rule of the cache is the files' (statFile).
func (w *walker) dirInfo(key string, fd int, st *unix.Stat_t, now time.Time) Info {
	if in, ok := w.cached(key, st); ok {
		return in
	}
	in, rawLen := w.f.infoRead(key, fd, "", st)
	w.remember(st, in.Meta, rawLen, now)
	return in
}

// cached is the Info of the file st with its Meta from the Meta cache,
// if the cache holds it for this stat and identity.
func (w *walker) cached(key string, st *unix.Stat_t) (Info, bool) {
	m, ok := metas.get(w.who, st)
	if !ok {
		return Info{}, false
	}
	in := infoOf(key, st, nil)
	in.Meta = m
	return in, true
}

// remember puts m, what infoRead found for st (rawLen < 0: nothing
// cacheable), into the Meta cache once st's ctime has settled at now.
func (w *walker) remember(st *unix.Stat_t, m *Meta, rawLen int, now time.Time) {
	if rawLen >= 0 && settledAt(st.Ctim, now) {
		metas.put(w.who, st, m, rawLen)
	}
}

// visits returns which sort names a frame positioned by push(base, seek)
// can visit: those starting with base and sorting after seek, and the
// directory seek lies inside.
func visits(base string, seek *string) func([]byte) bool {
	return func(s []byte) bool {
		if !bytes.HasPrefix(s, []byte(base)) {
			return false
		}
		if seek == nil || string(s) > *seek {
			return true
		}
		return s[len(s)-1] == '/' && strings.HasPrefix(*seek, string(s))
	}
}

// openChild opens subdirectory name of an open directory (never through
// a symlink: directory symlinks are not descended).
func (w *walker) openChild(parent int, name, key string, seek *string) (*frame, *Info, error) {
	return w.open(key, visits("", seek), func(*FS) (int, error) {
		return openChild(parent, name, unix.O_RDONLY|unix.O_DIRECTORY)
	})
}

// dir handles a subdirectory entry: a prefix with Delimiter, else its
// marker (if any) and its contents.
func (w *walker) dir(fr *frame, i int) error {
	name := fr.ents.name(i)
	key := fr.key + name + "/"
	if len(key) > maxKeyLen {
		return nil // every key below would be too long
	}
	var seek *string
	if i == fr.seekDir {
		seek = &fr.seekRest
	}
	if w.delim {
		if in, err := w.stat(fr, i); err != nil || in.Key == "" {
			return err // a directory the identity cannot list holds no keys for it
		}
		if seek != nil {
			if found, err := w.anyAfter(fr.fd, name, key, seek); err != nil || !found {
				return err
			}
		}
		return w.fn(Entry{Key: key, IsPrefix: true})
	}
	child, marker, err := w.openChild(fr.fd, name, key, seek)
	if err != nil {
		return w.ctx.Err() // unreadable or gone: skip its contents
	}
	w.push(child, "", seek)
	if marker != nil && seek == nil {
		return w.fn(Entry{Key: key, Info: *marker})
	}
	return nil
}

// anyAfter reports whether directory name holds a key after StartAfter,
// which lies inside it: only then does S3 report its prefix.
func (w *walker) anyAfter(parent int, name, key string, seek *string) (bool, error) {
	sub := &walker{f: w.f, ctx: w.ctx, who: w.who, fn: func(Entry) error { return ErrStopWalk }}
	child, _, err := sub.openChild(parent, name, key, seek)
	if err != nil {
		return false, w.ctx.Err()
	}
	defer sub.closeAll()
	sub.push(child, "", seek)
	err = sub.run()
	if errors.Is(err, ErrStopWalk) {
		return true, nil
	}
	return false, err
}

// stat returns the Info of entry i, Key "" when it is not listable. For
// a directory (Delimiter only) it says whether the identity may list it.
func (w *walker) stat(fr *frame, i int) (Info, error) {
	if i < fr.winAt || i >= fr.winAt+len(fr.win) {
		if err := w.fill(fr, i); err != nil {
			return Info{}, err
		}
	}
	return fr.win[i-fr.winAt], nil
}

// fill stats a window of entries from i under one credential switch.
func (w *walker) fill(fr *frame, i int) error {
	size := min(maxWindow, max(minWindow, 2*len(fr.win)))
	if w.want > 0 {
		size = w.cutWindow(fr, size)
	}
	end := i
	for end < fr.ents.n() && end-i < size && strings.HasPrefix(fr.ents.sort(end), fr.base) {
		end++
	}
	freeWindow(fr.win)
	win, keys := newWindow(end-i), w.keyArena(fr, i, end)
	w.now = time.Now() // before the window's stats: see unchanged
	err := w.f.do(w.ctx, func() error {
		for j := i; j < end; j++ {
			switch e := fr.ents.at(j); {
			case !e.isDir():
				win[j-i] = w.statEntry(fr, e, &keys)
			case w.delim && w.f.access(fr.fd, e.name, unix.R_OK|unix.X_OK) == nil:
				win[j-i] = Info{Key: keys.key(fr.key, e.name, "/"), IsDir: true}
			}
		}
		return nil
	})
	fr.win, fr.winAt = win, i
	return err
}

// keyArena is sized for the keys of fr's entries [i, end).
func (w *walker) keyArena(fr *frame, i, end int) keyArena {
	n := 0
	for j := i; j < end; j++ {
		n += len(fr.key) + len(fr.ents.sort(j)) // a directory's sort name has its "/"
	}
	return newKeyArena(n)
}

// cutWindow cuts a window of size entries of fr to what the page still
// wants, so that the look-ahead key that tells a page is truncated costs
// one stat, not a minimum window (63 wasted stats per 1,000-key page). A
// window cut so that fell short (names that are no keys) doubles the next
// cut, so such names cost few credential switches; a caller that took
// more than it wanted (keys rolled up by a delimiter) gets whole windows.
func (w *walker) cutWindow(fr *frame, size int) int {
	need := w.want - w.taken
	if need <= 0 {
		return size
	}
	if fr.cut > 0 {
		need = max(need, 2*fr.cut)
	}
	if need >= size {
		fr.cut = 0
		return size
	}
	fr.cut = need
	return need
}

// statEntry runs as the identity. Only regular files, directly or through
// a symlink resolved beneath the root, are listable.
func (w *walker) statEntry(fr *frame, e dent, keys *keyArena) Info {
	if testHookStat != nil {
		testHookStat()
	}
	if len(fr.key)+len(e.name) > maxKeyLen {
		return Info{}
	}
	key := keys.key(fr.key, e.name, "")
	var st unix.Stat_t
	if e.typ == unix.DT_LNK {
		return w.statLink(key)
	}
	if lstatAt(fr.fd, e.name, &st, &w.name) != nil {
		return Info{}
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG:
		return w.statFile(fr, e.name, key, &st)
	case unix.S_IFLNK:
		return w.statLink(key)
	}
	return Info{}
}

// statFile reads the Meta of the regular file name whose stat is st.
// Read by name, the stat and the Meta may belong to two files: a PUT may
// rename a new file over the name, or a DELETE unlink it, in between. A
// Meta whose Stamp (which holds the inode) matches the stat is of the
// same file, so that fast path is exact. Without such a Meta the name is
// opened and both are read from the one inode (pinned), where missing
// Meta is true only while the file still has a name: an S3 writer names
// a file after its Meta is written. The key is left out if its file keeps
// going away, rather than listed with a synthetic ETag no version had.
// What either way finds for a settled file is kept in the Meta cache
// (metacache.go), whose entry serves while the stat is the same.
func (w *walker) statFile(fr *frame, name, key string, st *unix.Stat_t) Info {
	if in, ok := w.cached(key, st); ok {
		return in
	}
	in, rawLen := w.f.infoRead(key, fr.fd, name, st)
	if in.Meta != nil || unchanged(fr.fd, name, st, w.now) {
		w.remember(st, in.Meta, rawLen, w.now)
		return in
	}
	if testHookPinned != nil {
		testHookPinned()
	}
	for range 8 {
		in, gone := w.statPinned(fr.fd, name, key)
		if !gone {
			return in
		}
	}
	return Info{}
}

// unchanged reports whether name still leads to the inode st was read
// from, unchanged since: then what was read by name in between (its
// Meta, or that it has none) was that inode's, and a file without Meta
// (written beside S3) costs one more fstatat instead of statPinned's
// five syscalls. Any metadata change (setxattr, rename, link, write)
// sets ctime from the clock; st's ctime is older than now, read before
// st, by more than listSlack covers of the clock's coarseness, so a
// change after st moved it. A file changed more recently goes the
// pinned way.
func unchanged(dirfd int, name string, st *unix.Stat_t, now time.Time) bool {
	if !settledAt(st.Ctim, now) {
		return false
	}
	var again unix.Stat_t
	return unix.Fstatat(dirfd, name, &again, unix.AT_SYMLINK_NOFOLLOW) == nil &&
		again.Dev == st.Dev && again.Ino == st.Ino && again.Ctim == st.Ctim
}

// settledAt reports whether time stamp t was older than listSlack at
// clock reading now: a change after now gets a later stamp.
func settledAt(t unix.Timespec, now time.Time) bool {
	return t.Nano() < now.Add(-listSlack).UnixNano()
}

// statPinned reads stat and Meta of entry name through one O_PATH fd.
// gone reports that the file was unlinked meanwhile: read the name again.
func (w *walker) statPinned(dirfd int, name, key string) (in Info, gone bool) {
	fd, err := openChild(dirfd, name, unix.O_PATH)
	if err != nil {
		return Info{}, false // deleted, or now a symlink: not this entry
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFREG {
		return Info{}, false
	}
	in = w.f.info(key, fd, "", &st)
	if in.Meta != nil {
		return in, false
	}
	if unix.Fstat(fd, &st) == nil && st.Nlink == 0 {
		return Info{}, true // replaced or deleted: its Meta may be gone with it
	}
	return in, false
}

func (w *walker) statLink(key string) Info {
	fd, err := w.f.r.openPath(key, 0)
	if err != nil {
		return Info{} // dangling, looping, or leaving the volume
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFREG {
		return Info{}
	}
	return w.f.info(key, fd, "", &st)
}
