package volume

import (
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"io/fs"
	"time"

	"golang.org/x/sys/unix"
)

// metaXattr holds the whole encoded Meta, so HEAD and GET need one getxattr.
const metaXattr = "user.fsxd.meta"

// Info describes a file or directory as S3 sees it.
type Info struct {
	Key     string
	Size    int64
	ModTime time.Time
	IsDir   bool
	Mode    fs.FileMode
	UID     uint32
	GID     uint32
	Ino     uint64
	Dev     uint64
	Meta    *Meta // nil when absent, unreadable by the identity, or stale
}

// Meta is what S3 knows about an object beyond its bytes.
type Meta struct {
	ContentType        string
	ContentEncoding    string
	ContentDisposition string
	ContentLanguage    string
	CacheControl       string
	Expires            string
	User               map[string]string // x-amz-meta-* without the prefix
	Tags               map[string]string
	// ETag is stored without the surrounding quotes ("hex" or "hex-N");
	// the S3 layer adds them on the wire.
	ETag      string
	Checksums map[string]string // "CRC32" -> base64, "CRC32-TYPE" -> FULL_OBJECT|COMPOSITE
	Parts     int               // >0 for multipart objects
	PartSizes []int64           // size of each part, for partNumber reads
	// PartChecksums are the raw checksums of the parts, in the algorithm
	// of Checksums, when the writer kept them (one width for all).
	PartChecksums [][]byte
	DirMarker     bool // directory object created by PUT "dir/"
	// Implicit marks a directory fsxd created only as the parent of a key;
	// Remove deletes it again once it is empty (see Remove).
	Implicit bool
	Stamp    Stamp // filled in by the writer; callers leave it zero
}

// Stamp is the file's state when its Meta was written. A file whose state
// no longer matches was changed beside S3, so its Meta (and ETag) are
// stale. Directories are matched on Ino only: adding entries changes their
// size and mtime but not what the directory object is.
type Stamp struct {
	Size    int64
	MtimeNs int64
	Ino     uint64
}

func stampOf(st *unix.Stat_t) Stamp {
	return Stamp{Size: st.Size, MtimeNs: st.Mtim.Nano(), Ino: st.Ino}
}

// matches reports whether m still describes the file st.
func (s Stamp) matches(st *unix.Stat_t) bool {
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		return s.Ino == st.Ino
	}
	return s == stampOf(st)
}

// SyntheticETag is the ETag of a file without valid Meta (written beside
// S3, or edited since): hex MD5 over device, inode, size and mtime, so it
// changes whenever the file does. It is not a content hash. Two edits of
// the same size within one timestamp tick of the file system look alike.
func SyntheticETag(info Info) string {
	var b [32]byte
	binary.LittleEndian.PutUint64(b[0:], info.Dev)
	binary.LittleEndian.PutUint64(b[8:], info.Ino)
	binary.LittleEndian.PutUint64(b[16:], uint64(info.Size))
	binary.LittleEndian.PutUint64(b[24:], uint64(info.ModTime.UnixNano()))
	sum := md5.Sum(b[:])
	return hex.EncodeToString(sum[:])
}

// infoOf builds an Info from a stat and the raw meta bytes (nil if none).
func infoOf(key string, st *unix.Stat_t, raw []byte) Info {
	isDir := st.Mode&unix.S_IFMT == unix.S_IFDIR
	in := Info{
		Key:     key,
		Size:    st.Size,
		ModTime: time.Unix(st.Mtim.Unix()),
		IsDir:   isDir,
		Mode:    fileMode(st.Mode),
		UID:     st.Uid,
		GID:     st.Gid,
		Ino:     st.Ino,
		Dev:     st.Dev,
	}
	if isDir {
		in.Size = 0
	}
	if raw != nil {
		if m, err := decodeMeta(raw); err == nil && m.Stamp.matches(st) {
			in.Meta = m
		}
	}
	return in
}

func fileMode(m uint32) fs.FileMode {
	mode := fs.FileMode(m & 0o777)
	switch m & unix.S_IFMT {
	case unix.S_IFDIR:
		mode |= fs.ModeDir
	case unix.S_IFLNK:
		mode |= fs.ModeSymlink
	case unix.S_IFIFO:
		mode |= fs.ModeNamedPipe
	case unix.S_IFSOCK:
		mode |= fs.ModeSocket
	case unix.S_IFCHR:
		mode |= fs.ModeDevice | fs.ModeCharDevice
	case unix.S_IFBLK:
		mode |= fs.ModeDevice
	}
	if m&unix.S_ISUID != 0 {
		mode |= fs.ModeSetuid
	}
	if m&unix.S_ISGID != 0 {
		mode |= fs.ModeSetgid
	}
	if m&unix.S_ISVTX != 0 {
		mode |= fs.ModeSticky
	}
	return mode
}
