package volume

import (
	"bytes"
	"encoding/binary"

	"golang.org/x/sys/unix"
)

// dent is one directory entry as Walk orders it.
type dent struct {
	name string
	sort string // name, or name+"/" for a directory: see Walk
	typ  uint8  // d_type: unix.DT_REG, DT_DIR, DT_LNK, DT_UNKNOWN...
}

func (d dent) isDir() bool { return d.typ == unix.DT_DIR }

// eachName calls fn for every entry of the open directory fd except "."
// and "..". Reading an open directory needs no permission check, so it
// runs on the caller's goroutine.
func eachName(fd int, fn func(name string, typ uint8)) error {
	return eachNameBytes(fd, func(name []byte, typ uint8) { fn(string(name), typ) })
}

// eachNameBytes is eachName without a string per entry: name is valid
// only during the call.
func eachNameBytes(fd int, fn func(name []byte, typ uint8)) error {
	buf := make([]byte, 32<<10)
	for {
		n, err := unix.Getdents(fd, buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		if n <= 0 {
			return nil
		}
		dirents(buf[:n], func(name []byte, typ uint8) bool { fn(name, typ); return true })
	}
}

// dirents calls fn for every entry of b, a getdents64 result, except "."
// and "..", until fn returns false; it reports whether fn stopped it. A
// malformed record ends the buffer.
func dirents(b []byte, fn func(name []byte, typ uint8) bool) bool {
	for len(b) >= 19 {
		// struct linux_dirent64: ino u64, off s64, reclen u16, type u8, name
		reclen := int(binary.NativeEndian.Uint16(b[16:]))
		if reclen < 19 || reclen > len(b) {
			return false
		}
		name := b[19:reclen]
		if i := bytes.IndexByte(name, 0); i >= 0 {
			name = name[:i]
		}
		if !isDots(name) && !fn(name, b[18]) {
			return true
		}
		b = b[reclen:]
	}
	return false
}

func isDots(name []byte) bool {
	return len(name) == 1 && name[0] == '.' || len(name) == 2 && name[0] == '.' && name[1] == '.'
}

// classifyAt fills in the type of DT_UNKNOWN entries with fstatat.
func classifyAt(dirfd int, ents []dent) {
	for i := range ents {
		if ents[i].typ == unix.DT_UNKNOWN {
			ents[i].typ = typeAt(dirfd, ents[i].name)
		}
	}
}

// typeAt is d_type from fstatat; DT_UNKNOWN if the entry is gone.
func typeAt(dirfd int, name string) uint8 {
	var st unix.Stat_t
	if unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW) != nil {
		return unix.DT_UNKNOWN
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFDIR:
		return unix.DT_DIR
	case unix.S_IFREG:
		return unix.DT_REG
	case unix.S_IFLNK:
		return unix.DT_LNK
	}
	return unix.DT_UNKNOWN
}

// smallDir reports whether the directory fd is at most one block long,
// where getdents reads that block and no more (ext4 past one block
// indexes it, and getdents then hashes a whole leaf of entries). Other
// file systems report fewer bytes, or entries, for a small directory;
// the answer only chooses the cheaper of two correct ways to prune.
func smallDir(fd int) bool {
	var st unix.Stat_t
	return unix.Fstat(fd, &st) == nil && st.Size <= smallDirBytes
}

const smallDirBytes = 4096

// hasEntry reports whether the open directory fd holds any entry but "."
// and "..", reading as little as the kernel allows. It answers false when
// it cannot tell (say fd is O_PATH): callers treat that as "maybe empty".
func hasEntry(fd int) bool {
	var buf [512]byte // room for a 255-byte name after "." and ".."
	for {
		n, err := unix.Getdents(fd, buf[:])
		if err == unix.EINTR {
			continue
		}
		if err != nil || n <= 0 {
			return false
		}
		if dirents(buf[:n], func([]byte, uint8) bool { return false }) {
			return true
		}
	}
}
