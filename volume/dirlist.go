package volume

import (
	"bytes"
	"slices"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// listing is a directory's listable entries sorted in Walk order, packed
// so that a million names cost about their bytes plus five bytes each:
// the sort names (name, or name+"/" for a directory) are concatenated in
// one string, and reading an entry allocates nothing. A listing is never
// changed once built, so the cache shares it between walks.
type listing struct {
	keys string   // sort names, concatenated in order
	offs []uint32 // entry i is keys[offs[i]:offs[i+1]]
	typs []uint8  // d_type of entry i
}

func (l *listing) n() int            { return len(l.typs) }
func (l *listing) sort(i int) string { return l.keys[l.offs[i]:l.offs[i+1]] }
func (l *listing) isDir(i int) bool  { return l.typs[i] == unix.DT_DIR }
func (l *listing) size() int64       { return int64(len(l.keys) + 5*len(l.typs) + 64) }
func (l *listing) at(i int) dent     { return dent{name: l.name(i), sort: l.sort(i), typ: l.typs[i]} }
func (l *listing) name(i int) string {
	s := l.sort(i)
	if l.isDir(i) {
		return s[:len(s)-1]
	}
	return s
}

// rawDir gathers a directory's names before they are sorted: names[i] is
// blob[start[i]:start[i+1]].
type rawDir struct {
	blob  []byte
	start []uint32
	typs  []uint8
}

func (r *rawDir) name(i int) []byte { return r.blob[r.start[i]:r.start[i+1]] }

// readDir returns the listable entries of fd sorted in key order. Hidden
// temp files, names no key could have, and FIFOs, sockets and devices
// are left out. classify resolves DT_UNKNOWN (file systems without
// d_type) into a type. keep, if not nil, drops the entries (by sort
// name) a walk will not visit, so a listing that cannot be cached costs
// memory only for what it may return.
func readDir(fd int, classify func([]dent) error, keep func(sort []byte) bool) (*listing, error) {
	r := rawDir{start: []uint32{0}}
	var unknown []int
	err := eachNameBytes(fd, func(name []byte, typ uint8) {
		switch typ {
		case unix.DT_FIFO, unix.DT_SOCK, unix.DT_CHR, unix.DT_BLK:
			return
		case unix.DT_UNKNOWN:
			unknown = append(unknown, len(r.typs))
		}
		if !validName(unsafe.String(unsafe.SliceData(name), len(name))) {
			return
		}
		r.blob = append(r.blob, name...)
		if typ == unix.DT_DIR {
			r.blob = append(r.blob, '/')
		}
		r.start = append(r.start, uint32(len(r.blob)))
		r.typs = append(r.typs, typ)
	})
	if err != nil {
		return nil, err
	}
	if len(unknown) > 0 {
		if r, err = r.classified(unknown, classify); err != nil {
			return nil, err
		}
	}
	return r.sorted(keep), nil
}

// classified resolves the DT_UNKNOWN entries and rebuilds the names with
// a "/" after each directory.
func (r rawDir) classified(unknown []int, classify func([]dent) error) (rawDir, error) {
	ds := make([]dent, len(unknown))
	for j, i := range unknown {
		ds[j] = dent{name: string(r.name(i)), typ: unix.DT_UNKNOWN}
	}
	if err := classify(ds); err != nil {
		return r, err
	}
	for j, i := range unknown {
		r.typs[i] = ds[j].typ
	}
	out := rawDir{blob: make([]byte, 0, len(r.blob)+len(unknown)), start: []uint32{0}, typs: r.typs}
	for i, u := range r.typs {
		out.blob = append(out.blob, r.name(i)...)
		if len(unknown) > 0 && unknown[0] == i {
			unknown = unknown[1:]
			if u == unix.DT_DIR {
				out.blob = append(out.blob, '/')
			}
		}
		out.start = append(out.start, uint32(len(out.blob)))
	}
	return out, nil
}

// sorted packs the entries keep accepts in sort-name order.
func (r *rawDir) sorted(keep func([]byte) bool) *listing {
	perm := make([]uint32, 0, len(r.typs))
	for i := range r.typs {
		if keep == nil || keep(r.name(i)) {
			perm = append(perm, uint32(i))
		}
	}
	slices.SortFunc(perm, func(a, b uint32) int { return bytes.Compare(r.name(int(a)), r.name(int(b))) })
	var keys strings.Builder
	n := 0
	for _, i := range perm {
		n += len(r.name(int(i)))
	}
	keys.Grow(n)
	l := &listing{offs: make([]uint32, 1, len(perm)+1), typs: make([]uint8, len(perm))}
	for j, i := range perm {
		keys.Write(r.name(int(i)))
		l.offs = append(l.offs, uint32(keys.Len()))
		l.typs[j] = r.typs[i]
	}
	l.keys = keys.String()
	return l
}
