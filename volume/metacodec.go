package volume

// The on-disk encoding of Meta (format 1), shared by the xattr and the
// MetaDir store. It is compact because ext4 gives all of a file's xattrs
// one 4 KiB block:
//
//	"f" 0x01 then records: tag byte, uvarint length, payload
//
// Strings are raw bytes; a map entry is one record per pair, its payload
// uvarint key length, key, value; PartSizes are runs (uvarint count,
// uvarint size), so 10,000 equal parts take a few bytes; PartChecksums
// are one record of equal-width raw sums. Readers skip tags they do not
// know, so later formats can add fields (tagPartChecksums came later:
// older fsxd skips it; so do the compact content type, ETag and checksum
// records of metacompact.go). testdata/meta_v1*.hex pin the format.

import (
	"encoding/binary"
	"errors"
	"maps"
	"slices"
)

const (
	tagContentType = iota + 1
	tagContentEncoding
	tagContentDisposition
	tagContentLanguage
	tagCacheControl
	tagExpires
	tagETag
	tagUser
	tagTag
	tagChecksum
	tagParts
	tagPartRun
	tagDirMarker
	tagImplicit
	tagStamp
	tagPartChecksums // uvarint width, then each part's sum: width bytes each
)

var metaMagic = []byte{'f', 1}

var errBadMeta = errors.New("volume: malformed meta")

func encodeMeta(m *Meta) []byte {
	b := slices.Clone(metaMagic)
	b = appendContentType(b, m.ContentType)
	for tag := tagContentType + 1; tag < tagETag; tag++ {
		if s := m.strField(tag); *s != "" {
			b = record(b, byte(tag), []byte(*s))
		}
	}
	b = appendETag(b, m.ETag)
	b = appendMap(b, tagUser, m.User)
	b = appendMap(b, tagTag, m.Tags)
	b = appendChecksums(b, m.Checksums)
	if m.Parts > 0 {
		b = record(b, tagParts, binary.AppendUvarint(nil, uint64(m.Parts)))
	}
	for i := 0; i < len(m.PartSizes); {
		n := 1
		for i+n < len(m.PartSizes) && m.PartSizes[i+n] == m.PartSizes[i] {
			n++
		}
		run := binary.AppendUvarint(nil, uint64(n))
		b = record(b, tagPartRun, binary.AppendUvarint(run, uint64(m.PartSizes[i])))
		i += n
	}
	b = appendPartChecksums(b, m.PartChecksums)
	if m.DirMarker {
		b = record(b, tagDirMarker, nil)
	}
	if m.Implicit {
		b = record(b, tagImplicit, nil)
	}
	st := binary.AppendUvarint(nil, uint64(m.Stamp.Size))
	st = binary.AppendVarint(st, m.Stamp.MtimeNs)
	return record(b, tagStamp, binary.AppendUvarint(st, m.Stamp.Ino))
}

// strField returns the string field stored under tag, nil for other tags.
func (m *Meta) strField(tag int) *string {
	switch tag {
	case tagContentType:
		return &m.ContentType
	case tagContentEncoding:
		return &m.ContentEncoding
	case tagContentDisposition:
		return &m.ContentDisposition
	case tagContentLanguage:
		return &m.ContentLanguage
	case tagCacheControl:
		return &m.CacheControl
	case tagExpires:
		return &m.Expires
	case tagETag:
		return &m.ETag
	}
	return nil
}

func record(b []byte, tag byte, payload []byte) []byte {
	b = append(b, tag)
	b = binary.AppendUvarint(b, uint64(len(payload)))
	return append(b, payload...)
}

// appendMap writes pairs sorted by key so equal Metas encode equally.
func appendMap(b []byte, tag byte, m map[string]string) []byte {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		p := binary.AppendUvarint(nil, uint64(len(k)))
		p = append(append(p, k...), m[k]...)
		b = record(b, tag, p)
	}
	return b
}

func decodeMeta(b []byte) (*Meta, error) {
	if len(b) < 2 || b[0] != metaMagic[0] || b[1] != metaMagic[1] {
		return nil, errBadMeta
	}
	m := &Meta{}
	for b = b[2:]; len(b) > 0; {
		tag := b[0]
		n, k := binary.Uvarint(b[1:])
		if k <= 0 || n > uint64(len(b)-1-k) {
			return nil, errBadMeta
		}
		payload := b[1+k : 1+k+int(n)]
		b = b[1+k+int(n):]
		if s := m.strField(int(tag)); s != nil {
			*s = string(payload)
		} else if err := m.decodeRecord(tag, payload); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *Meta) decodeRecord(tag byte, p []byte) error {
	var err error
	switch tag {
	case tagUser:
		m.User, err = decodePair(m.User, p)
	case tagTag:
		m.Tags, err = decodePair(m.Tags, p)
	case tagChecksum:
		m.Checksums, err = decodePair(m.Checksums, p)
	case tagParts:
		v, k := binary.Uvarint(p)
		if k <= 0 {
			return errBadMeta
		}
		m.Parts = int(v)
	case tagPartRun:
		return m.decodeRun(p)
	case tagDirMarker:
		m.DirMarker = true
	case tagImplicit:
		m.Implicit = true
	case tagStamp:
		return m.decodeStamp(p)
	case tagPartChecksums:
		return m.decodePartChecksums(p)
	case tagETagMD5:
		return m.decodeETagMD5(p)
	case tagChecksumRaw:
		return m.decodeChecksumRaw(p)
	case tagContentTypeCode:
		return m.decodeContentTypeCode(p)
	}
	return err
}

func decodePair(m map[string]string, p []byte) (map[string]string, error) {
	n, k := binary.Uvarint(p)
	if k <= 0 || n > uint64(len(p)-k) {
		return m, errBadMeta
	}
	if m == nil {
		m = make(map[string]string, 2)
	}
	m[intern(p[k:k+int(n)])] = intern(p[k+int(n):])
	return m, nil
}

// intern returns the shared string for the checksum names and types that
// every object's Meta repeats (listings decode one Meta per key), and a
// copy of anything else.
func intern(b []byte) string {
	switch string(b) { // no allocation: the compiler compares in place
	case "CRC32":
		return "CRC32"
	case "CRC32C":
		return "CRC32C"
	case "CRC64NVME":
		return "CRC64NVME"
	case "SHA1":
		return "SHA1"
	case "SHA256":
		return "SHA256"
	case "CRC32-TYPE":
		return "CRC32-TYPE"
	case "CRC32C-TYPE":
		return "CRC32C-TYPE"
	case "CRC64NVME-TYPE":
		return "CRC64NVME-TYPE"
	case "SHA1-TYPE":
		return "SHA1-TYPE"
	case "SHA256-TYPE":
		return "SHA256-TYPE"
	case "FULL_OBJECT":
		return "FULL_OBJECT"
	case "COMPOSITE":
		return "COMPOSITE"
	}
	return string(b)
}

func (m *Meta) decodeRun(p []byte) error {
	n, k1 := binary.Uvarint(p)
	if k1 <= 0 {
		return errBadMeta
	}
	size, k2 := binary.Uvarint(p[k1:])
	if k2 <= 0 || n > 100_000 || len(m.PartSizes)+int(n) > 100_000 {
		return errBadMeta // S3 allows 10,000 parts; refuse absurd runs
	}
	for range n {
		m.PartSizes = append(m.PartSizes, int64(size))
	}
	return nil
}

func (m *Meta) decodeStamp(p []byte) error {
	size, k1 := binary.Uvarint(p)
	if k1 <= 0 {
		return errBadMeta
	}
	mt, k2 := binary.Varint(p[k1:])
	if k2 <= 0 {
		return errBadMeta
	}
	ino, k3 := binary.Uvarint(p[k1+k2:])
	if k3 <= 0 {
		return errBadMeta
	}
	m.Stamp = Stamp{Size: int64(size), MtimeNs: mt, Ino: ino}
	return nil
}

// appendPartChecksums writes sums, which must all have one width (one
// algorithm); anything else is not recorded.
func appendPartChecksums(b []byte, sums [][]byte) []byte {
	if len(sums) == 0 || len(sums[0]) == 0 {
		return b
	}
	w := len(sums[0])
	p := binary.AppendUvarint(make([]byte, 0, 1+w*len(sums)), uint64(w))
	for _, s := range sums {
		if len(s) != w {
			return b
		}
		p = append(p, s...)
	}
	return record(b, tagPartChecksums, p)
}

func (m *Meta) decodePartChecksums(p []byte) error {
	w, k := binary.Uvarint(p)
	if k <= 0 || w == 0 || w > 64 || uint64(len(p)-k)%w != 0 {
		return errBadMeta
	}
	raw := p[k:]
	m.PartChecksums = make([][]byte, 0, uint64(len(raw))/w)
	for i := 0; i < len(raw); i += int(w) {
		m.PartChecksums = append(m.PartChecksums, slices.Clone(raw[i:i+int(w)]))
	}
	return nil
}
