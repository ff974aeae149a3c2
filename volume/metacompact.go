package volume

// Compact records for the fields nearly every object's Meta carries, so
// that a typical object's Meta (content type, ETag, one checksum, Stamp:
// 40–48 bytes) fits inside an ext4 inode (256-byte inodes leave 60 bytes
// for this xattr's value). Written as text they took 63–120 bytes, and
// ext4 then gave each object a 4 KiB xattr block of its own: one more
// block to allocate, write and fsync on PUT, and to free and discard on
// DELETE (docs/performance.md, "Round 6: Meta inside the inode").
//
// The records are new tags in format 1. A reader that does not know them
// skips them (see metacodec.go), so an older fsxd still reads the rest of
// the Meta and reports the object with its synthetic ETag. A value the
// compact form would not reproduce byte for byte keeps the text record.

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
)

const (
	// tagETagMD5: 16 raw bytes, then a uvarint N for a multipart "hex-N".
	tagETagMD5 = tagPartChecksums + 1 + iota
	// tagChecksumRaw: algorithm code, type code (0: none), raw sum.
	tagChecksumRaw
	// tagContentTypeCode: one byte, the index+1 of a commonContentTypes entry.
	tagContentTypeCode
)

// commonContentTypes are Content-Type values stored as one byte. The AWS
// SDKs send application/octet-stream for a body without a type, which
// alone took 26 of the 60 bytes. Append only: the codes are on disks.
var commonContentTypes = [...]string{
	"application/octet-stream", "binary/octet-stream", "text/plain", "text/plain; charset=utf-8",
	"application/json", "application/xml", "text/html", "text/csv", "image/jpeg", "image/png",
	"application/gzip", "application/x-tar", "application/zip", "application/pdf",
	"application/x-directory",
}

func appendContentType(b []byte, ct string) []byte {
	for i, c := range commonContentTypes {
		if ct == c {
			return record(b, tagContentTypeCode, []byte{byte(i + 1)})
		}
	}
	if ct == "" {
		return b
	}
	return record(b, tagContentType, []byte(ct))
}

func (m *Meta) decodeContentTypeCode(p []byte) error {
	if len(p) != 1 || p[0] == 0 || int(p[0]) > len(commonContentTypes) {
		return errBadMeta
	}
	m.ContentType = commonContentTypes[p[0]-1]
	return nil
}

// checksumAlgs are the S3 checksum algorithms by code (index+1) and the
// width of their sums.
var checksumAlgs = [...]struct {
	name, typeKey string
	width         int
}{
	{"CRC32", "CRC32-TYPE", 4}, {"CRC32C", "CRC32C-TYPE", 4}, {"CRC64NVME", "CRC64NVME-TYPE", 8},
	{"SHA1", "SHA1-TYPE", 20}, {"SHA256", "SHA256-TYPE", 32},
}

// checksumTypes are the checksum types by code (index+1).
var checksumTypes = [...]string{"FULL_OBJECT", "COMPOSITE"}

// appendETag writes etag as raw MD5 bytes when it is a lowercase hex MD5,
// optionally "-N"; anything else as text.
func appendETag(b []byte, etag string) []byte {
	if etag == "" {
		return b
	}
	hexPart, n, multi := strings.Cut(etag, "-")
	var sum [16]byte
	parts, err := strconv.ParseUint(n, 10, 32)
	canonical := len(hexPart) == 32 && strings.ToLower(hexPart) == hexPart &&
		(!multi || err == nil && parts > 0 && strconv.FormatUint(parts, 10) == n)
	if _, derr := hex.Decode(sum[:], []byte(hexPart)); !canonical || derr != nil {
		return record(b, tagETag, []byte(etag))
	}
	p := sum[:]
	if multi {
		p = binary.AppendUvarint(p, parts)
	}
	return record(b, tagETagMD5, p)
}

func (m *Meta) decodeETagMD5(p []byte) error {
	if len(p) < 16 {
		return errBadMeta
	}
	etag := hex.EncodeToString(p[:16])
	if len(p) > 16 {
		n, k := binary.Uvarint(p[16:])
		if k <= 0 || 16+k != len(p) || n == 0 {
			return errBadMeta
		}
		etag += "-" + strconv.FormatUint(n, 10)
	}
	m.ETag = etag
	return nil
}

// appendChecksums writes one algorithm's sum (and its type) raw when the
// map holds exactly that in canonical base64; anything else as text pairs.
func appendChecksums(b []byte, sums map[string]string) []byte {
	if p := compactChecksum(sums); p != nil {
		return record(b, tagChecksumRaw, p)
	}
	return appendMap(b, tagChecksum, sums)
}

func compactChecksum(sums map[string]string) []byte {
	if len(sums) == 0 || len(sums) > 2 {
		return nil
	}
	for i, a := range checksumAlgs {
		v, ok := sums[a.name]
		if !ok {
			continue
		}
		typ, hasType := sums[a.typeKey]
		if int64(len(sums)) != 1+boolInt(hasType) {
			return nil
		}
		code := slices.Index(checksumTypes[:], typ) + 1 // 0: none or unknown
		raw, err := base64.StdEncoding.DecodeString(v)
		if err != nil || len(raw) != a.width || hasType && code == 0 ||
			base64.StdEncoding.EncodeToString(raw) != v {
			return nil
		}
		return append([]byte{byte(i + 1), byte(code)}, raw...)
	}
	return nil
}

func (m *Meta) decodeChecksumRaw(p []byte) error {
	if len(p) < 2 || p[0] == 0 || int(p[0]) > len(checksumAlgs) || int(p[1]) > len(checksumTypes) {
		return errBadMeta
	}
	a := checksumAlgs[p[0]-1]
	if len(p) != 2+a.width {
		return errBadMeta
	}
	if m.Checksums == nil {
		m.Checksums = make(map[string]string, 2)
	}
	m.Checksums[a.name] = base64.StdEncoding.EncodeToString(p[2:])
	if p[1] != 0 {
		m.Checksums[a.typeKey] = checksumTypes[p[1]-1]
	}
	return nil
}
