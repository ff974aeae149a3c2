package checksum

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
)

// PartCRC is one part's CRC (big-endian, as Hasher reports it) and the
// number of bytes it covers.
type PartCRC struct {
	Sum []byte
	Len int64
}

// CombineCRC returns the CRC of the concatenation of the parts, computed
// from the parts' CRCs and lengths alone, as S3 does for FULL_OBJECT
// multipart checksums. alg must satisfy IsCRC. No part is re-read: the work
// is O(log Len) polynomial multiplications per part.
func CombineCRC(alg Algorithm, parts []PartCRC) ([]byte, error) {
	g := gfFor(alg)
	if g == nil {
		return nil, fmt.Errorf("checksum: %s cannot be combined", alg)
	}
	var crc uint64
	for i, p := range parts {
		if len(p.Sum) != alg.Size() || p.Len < 0 {
			return nil, fmt.Errorf("checksum: part %d: bad %s value", i+1, alg)
		}
		crc = g.combine(crc, readBE(p.Sum), p.Len)
	}
	return appendBE(nil, crc, alg.Size()), nil
}

func readBE(b []byte) uint64 {
	if len(b) == 4 {
		return uint64(binary.BigEndian.Uint32(b))
	}
	return binary.BigEndian.Uint64(b)
}

func appendBE(b []byte, v uint64, size int) []byte {
	if size == 4 {
		return binary.BigEndian.AppendUint32(b, uint32(v))
	}
	return binary.BigEndian.AppendUint64(b, v)
}

func gfFor(alg Algorithm) *gf2 {
	switch alg {
	case CRC32:
		return gfIEEE
	case CRC32C:
		return gfCastagnoli
	case CRC64NVME:
		return gfNVME
	}
	return nil
}

var (
	gfIEEE       = newGF2(32, crc32.IEEE)
	gfCastagnoli = newGF2(32, crc32.Castagnoli)
	gfNVME       = newGF2(64, crc64NVMEPoly)
)
