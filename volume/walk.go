package volume

// Listing in S3 order. S3 lists keys by their UTF-8 bytes, which is not
// the order of a directory walk: "a-b" < "a/b" < "a0". Sorting each
// directory by name, with a directory's sort name being name+"/", makes a
// depth-first walk produce exactly that order (every key below directory
// d starts with "d/", and no sibling name contains "/").
//
// Positioning: StartAfter is found by binary search in each sorted
// directory along its path, so later pages never visit earlier subtrees;
// only the directories on the way are read. Memory is bounded by depth ×
// directory size, never by the number of keys.

import (
	"context"
	"errors"
	"sort"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// WalkOptions selects and positions a listing.
type WalkOptions struct {
	Prefix string // keys starting with it: "a/b" lists directory "a/" for names starting "b"
	// StartAfter lists only keys (and prefixes holding keys) sorting after
	// it. To resume after a common prefix P, pass P+"\xff": no key has that
	// byte, so it sorts after every key below P.
	StartAfter string
	Delimiter  bool // "/" only: subdirectories become one prefix Entry each, not descended
	// Want, if not 0, is how many entries fn is expected to take: the walk
	// then stats (and reads the Meta of) about that many files ahead, not
	// a full window, so a page reads the xattrs of the keys it returns.
	Want int
}

// Entry is one listed key. Its Info.Meta may be shared with other walks
// (the Meta cache, metacache.go): read it, never change it.
type Entry struct {
	Key      string
	IsPrefix bool // a common prefix "dir/" (Delimiter only); Info is then zero
	Info     Info
}

// Walk calls fn for every key visible to the identity that matches o, in
// ascending byte order, streaming. fn returning ErrStopWalk ends the walk
// with a nil error.
//
// What is a key: regular files; a directory with DirMarker is the key
// "dir/" (size 0); other directories produce only their contents. Hidden
// temp files, FIFOs, sockets, devices and names that are not valid key
// segments are skipped. A symlink to a regular file inside the volume is
// listed under its own name with the target's Info; a symlink to a
// directory is not listed or descended (that could loop or list a tree
// twice), though keys through it still resolve; a symlink that dangles or
// leaves the volume is skipped. With Delimiter every subdirectory the
// identity may read and search is a prefix, empty or not (it is not
// descended to find out), unless StartAfter lies inside it and no key in
// it sorts after StartAfter.
//
// A directory the identity cannot read is skipped; if it is the one the
// Prefix names, Walk returns ErrPermission. A Prefix naming nothing
// (missing, a file, an escaping symlink) lists nothing.
func (f *FS) Walk(ctx context.Context, o WalkOptions, fn func(Entry) error) error {
	dirKey := o.Prefix[:strings.LastIndexByte(o.Prefix, '/')+1]
	base := o.Prefix[len(dirKey):]
	var seek *string
	switch sa := o.StartAfter; {
	case sa < dirKey:
	case strings.HasPrefix(sa, dirKey):
		rest := sa[len(dirKey):]
		seek = &rest
	default:
		return nil // every key below dirKey sorts before StartAfter
	}
	w := &walker{f: f, ctx: ctx, delim: o.Delimiter, want: o.Want, who: walkerID(f)}
	w.fn = func(e Entry) error { w.taken++; return fn(e) }
	err := w.start(dirKey, base, seek)
	if errors.Is(err, ErrStopWalk) {
		return nil
	}
	return err
}

type walker struct {
	f     *FS
	ctx   context.Context
	delim bool
	who   uint32    // walkerID, for the Meta cache
	want  int       // WalkOptions.Want
	taken int       // entries given to fn
	now   time.Time // clock read before the current window's stats
	fn    func(Entry) error
	stack []*frame
	name  nameBuf // lstatAt's C string
}

// frame is one open directory on the walk's path.
type frame struct {
	key      string // the directory's key prefix: "" or "a/b/"
	fd       int
	ents     *listing
	i        int    // next entry
	base     string // only entries whose sort name starts with it
	seekDir  int    // entry whose subtree holds StartAfter, or -1
	seekRest string // StartAfter relative to that entry's key
	win      []Info // stat results for ents[winAt:], Key "" if skipped
	winAt    int
	cut      int // the last window's size if the page's need cut it (cutWindow)
}

func (w *walker) start(dirKey, base string, seek *string) error {
	rel, inside := ".", Path{rel: "x"} // inside: any key in the directory
	if dirKey != "" {
		p, err := ParseKey(dirKey)
		if err != nil {
			return nil // no valid key starts with it
		}
		rel, inside = p.rel, Path{rel: p.rel + "/x"}
	}
	fr, marker, err := w.open(dirKey, visits(base, seek), func(f *FS) (int, error) {
		if err := f.userSearch(inside); err != nil {
			return -1, err
		}
		return openBeneath(f.r.fd, rel, unix.O_RDONLY|unix.O_DIRECTORY, 0, beneath)
	})
	switch {
	case err == unix.EACCES || err == unix.EPERM:
		return wrap("walk", dirKey, err)
	case err != nil:
		return w.ctx.Err() // nothing there to list
	}
	defer w.closeAll()
	w.push(fr, base, seek)
	if marker != nil && seek == nil && base == "" && dirKey != "" {
		if err := w.fn(Entry{Key: dirKey, Info: *marker}); err != nil {
			return err
		}
	}
	return w.run()
}

func (w *walker) run() error {
	for len(w.stack) > 0 {
		fr := w.stack[len(w.stack)-1]
		if fr.i >= fr.ents.n() || !strings.HasPrefix(fr.ents.sort(fr.i), fr.base) {
			unix.Close(fr.fd)
			freeWindow(fr.win)
			w.stack = w.stack[:len(w.stack)-1]
			continue
		}
		i := fr.i
		fr.i++
		if fr.ents.isDir(i) {
			if err := w.dir(fr, i); err != nil {
				return err
			}
			continue
		}
		in, err := w.stat(fr, i)
		if err != nil {
			return err
		}
		if in.Key != "" {
			if err := w.fn(Entry{Key: in.Key, Info: in}); err != nil {
				return err
			}
		}
	}
	return nil
}

// push positions a new frame: at the first entry with the prefix, or
// after StartAfter (seek, relative to the frame) if that is later.
func (w *walker) push(fr *frame, base string, seek *string) {
	fr.base, fr.seekDir = base, -1
	ents := fr.ents
	fr.i = sort.Search(ents.n(), func(i int) bool { return ents.sort(i) >= base })
	if seek != nil {
		rest := *seek
		i := sort.Search(ents.n(), func(i int) bool { return ents.sort(i) > rest })
		if i > 0 && ents.isDir(i-1) && strings.HasPrefix(rest, ents.sort(i-1)) {
			i-- // StartAfter is inside this directory: enter it, seeking
			fr.seekDir, fr.seekRest = i, rest[len(ents.sort(i)):]
		}
		if i < fr.i {
			fr.seekDir = -1
		}
		fr.i = max(fr.i, i)
	}
	w.stack = append(w.stack, fr)
}

func (w *walker) closeAll() {
	for _, fr := range w.stack {
		unix.Close(fr.fd)
		freeWindow(fr.win)
	}
	w.stack = nil
}
