package volume

// The size bound on an object's Meta. Meta is one xattr, and ext4 gives
// all of a file's xattrs one block: with 4 KiB blocks the value alone may
// take 4,032 bytes (measured), less when the file has other xattrs (ACLs,
// a security label, a user's own), and setxattr then fails with ENOSPC,
// as a full disk does. XFS, btrfs, ZFS and tmpfs take far more. So fsxd
// holds every volume to one bound that fits ext4 with room to spare, and
// checks it when a request arrives (docs/decisions.md, "Object metadata
// size").

import (
	"strings"

	"golang.org/x/sys/unix"
)

// MaxMetaSize is the most encoded Meta fsxd accepts: 448 bytes below
// ext4's 4,032, for the file's other xattrs.
const MaxMetaSize = 3584

// MetaSize is the encoded size m will have once written (or a bound on
// it, when that is below MaxMetaSize): the fields a writer fills in later
// (ETag, checksum, part count and sizes, Stamp) are counted at their
// largest when m has none yet. Part checksums are counted only as m has
// them.
func MetaSize(m *Meta) int {
	if n, ok := quickSize(m); ok && n <= MaxMetaSize {
		return n // every PUT's case: no need to encode
	}
	return exactSize(m)
}

func exactSize(m *Meta) int {
	w := *m
	if w.ETag == "" {
		w.ETag = largest.ETag
	}
	if len(w.Checksums) == 0 {
		w.Checksums = largest.Checksums
	}
	if w.Parts == 0 {
		w.Parts = largest.Parts
	}
	if len(w.PartSizes) == 0 {
		w.PartSizes = largest.PartSizes
	}
	w.DirMarker, w.Implicit, w.Stamp = true, true, largest.Stamp
	return len(encodeMeta(&w))
}

// quickSize bounds the encoded size of a Meta the writer has not filled
// yet (a PUT's), without encoding it: each record is at most a tag, a
// 10-byte uvarint and its payload, and the writer's fields take at most
// writerMax. ok is false for a Meta that already carries writer fields.
func quickSize(m *Meta) (n int, ok bool) {
	if m.ETag != "" || len(m.Checksums) > 0 || m.Parts > 0 || len(m.PartSizes) > 0 || len(m.PartChecksums) > 0 {
		return 0, false
	}
	n = len(metaMagic) + writerMax
	for tag := tagContentType; tag < tagETag; tag++ {
		if l := len(*m.strField(tag)); l > 0 {
			n += 11 + l
		}
	}
	for _, mm := range [...]map[string]string{m.User, m.Tags} {
		for k, v := range mm {
			n += 21 + len(k) + len(v)
		}
	}
	return n, true
}

// writerMax is what the writer's fields add at their largest.
var writerMax = func() int {
	w := largest
	w.DirMarker, w.Implicit = true, true
	return len(encodeMeta(&w)) - len(metaMagic)
}()

// largest holds the writer's fields at their largest encoding, shared
// read-only: MetaSize runs on every PUT.
var largest = Meta{
	ETag:      strings.Repeat("f", 32) + "-10000", // text, as a non-canonical one is kept
	Checksums: map[string]string{"SHA256": strings.Repeat("A", 43) + "=-10000", "SHA256-TYPE": "FULL_OBJECT"},
	Parts:     10000,
	PartSizes: []int64{5 << 30, 5<<30 - 1}, // equal parts, then a last one
	Stamp:     Stamp{Size: 1<<63 - 1, MtimeNs: -1 << 63, Ino: 1<<64 - 1},
}

// FitMeta makes m fit MaxMetaSize by dropping its part checksums, then its
// part sizes: extras for GetObjectAttributes and partNumber reads, which
// then answer as for an object without them. ErrMetaTooLarge if m still
// does not fit: what the request itself brought (content headers, user
// metadata, tags) is too large.
func FitMeta(m *Meta) error {
	if MetaSize(m) <= MaxMetaSize {
		return nil
	}
	m.PartChecksums = nil
	if MetaSize(m) <= MaxMetaSize {
		return nil
	}
	if m.Parts > 0 {
		m.PartSizes = nil
	}
	if MetaSize(m) <= MaxMetaSize {
		return nil
	}
	return ErrMetaTooLarge
}

// xattrErr names the ENOSPC of a Meta setxattr on the file at path: ext4
// gives it both when the file's xattr block has no room for the value and
// when the disk has no block to give. A file system with free blocks left
// means the former.
func xattrErr(path string, err error) error {
	if err != unix.ENOSPC {
		return err
	}
	var s unix.Statfs_t
	if unix.Statfs(path, &s) == nil && s.Bfree >= minFreeForMeta {
		return ErrMetaTooLarge
	}
	return err
}

// minFreeForMeta is more free blocks than an xattr block and its journal
// entry take, so an ENOSPC with this many free is not a full disk.
const minFreeForMeta = 64
