// Package checksum computes what S3 reports about an object's bytes: the
// MD5 ETag, the optional payload SHA-256 and the x-amz-checksum-* values,
// in one streaming pass, and combines per-part values the way S3 does for
// multipart uploads (COMPOSITE and FULL_OBJECT) without re-reading data.
package checksum

import (
	"crypto/sha1"
	"crypto/sha256"
	"fmt"
	"hash"
	"hash/crc32"
	"strings"
)

// Algorithm is an S3 checksum algorithm, spelled as S3 spells it in
// x-amz-checksum-algorithm and in API members (ChecksumAlgorithm).
type Algorithm string

// The algorithms S3 accepts.
const (
	CRC32     Algorithm = "CRC32"
	CRC32C    Algorithm = "CRC32C"
	CRC64NVME Algorithm = "CRC64NVME"
	SHA1      Algorithm = "SHA1"
	SHA256    Algorithm = "SHA256"
)

// Algorithms lists every algorithm in a fixed order, so callers that scan
// request headers or render responses do it deterministically.
var Algorithms = []Algorithm{CRC32, CRC32C, CRC64NVME, SHA1, SHA256}

// ParseAlgorithm accepts an algorithm name in any case, as S3 does for
// x-amz-checksum-algorithm and x-amz-sdk-checksum-algorithm.
func ParseAlgorithm(s string) (Algorithm, error) {
	for _, a := range Algorithms {
		if strings.EqualFold(s, string(a)) {
			return a, nil
		}
	}
	return "", fmt.Errorf("checksum: unknown algorithm %q", s)
}

// Header is the request and response header carrying this checksum,
// e.g. "x-amz-checksum-crc32".
func (a Algorithm) Header() string {
	return "x-amz-checksum-" + strings.ToLower(string(a))
}

// Size is the length of the binary digest in bytes, 0 for an unknown
// algorithm.
func (a Algorithm) Size() int {
	switch a {
	case CRC32, CRC32C:
		return 4
	case CRC64NVME:
		return 8
	case SHA1:
		return sha1.Size
	case SHA256:
		return sha256.Size
	}
	return 0
}

// IsCRC reports whether per-part values can be combined into a
// FULL_OBJECT checksum (see CombineCRC).
func (a Algorithm) IsCRC() bool {
	return a == CRC32 || a == CRC32C || a == CRC64NVME
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// newHash returns a fresh hash for a, or nil for an unknown algorithm.
// Every CRC here writes its Sum big-endian, which is the byte order S3
// base64-encodes.
func (a Algorithm) newHash() hash.Hash {
	switch a {
	case CRC32:
		return crc32.NewIEEE()
	case CRC32C:
		return crc32.New(castagnoli)
	case CRC64NVME:
		return newCRC64NVME()
	case SHA1:
		return sha1.New()
	case SHA256:
		return sha256.New()
	}
	return nil
}
