package multipart

import (
	"encoding/base64"
	"fmt"

	"github.com/fsxd/fsxd/checksum"
)

// Checksum types, as S3 names them.
const (
	Composite  = "COMPOSITE"
	FullObject = "FULL_OBJECT"
)

// Final is what CompleteMultipartUpload reports about the assembled object.
type Final struct {
	Size int64
	ETag string // "<hex md5 of part md5s>-N", unquoted
	// ChecksumAlgorithm, ChecksumType and Checksum (base64; "-N" suffixed
	// when COMPOSITE) are empty when the upload has no checksum algorithm.
	ChecksumAlgorithm, ChecksumType, Checksum string
}

// PartSumsOf converts a Hasher's sums into what PutPart stores.
func PartSumsOf(s checksum.Sums) PartSums {
	m := make(map[string]string, len(s.Checksums))
	for a, v := range s.Checksums {
		m[string(a)] = v
	}
	return PartSums{ETag: s.ETag, Checksums: m}
}

// DefaultChecksumType is S3's type when CreateMultipartUpload names an
// algorithm but no type: FULL_OBJECT for CRC64NVME, else COMPOSITE.
func DefaultChecksumType(alg checksum.Algorithm) string {
	if alg == checksum.CRC64NVME {
		return FullObject
	}
	return Composite
}

// Combine computes the final object's size, ETag and checksum from the
// parts' stored metadata, in the order given, without reading any data.
func Combine(u Upload, parts []Part) (Final, error) {
	f := Final{}
	etags := make([]string, len(parts))
	for i, p := range parts {
		f.Size += p.Size
		etags[i] = p.ETag
	}
	var err error
	if f.ETag, err = checksum.MultipartETagHex(etags); err != nil {
		return Final{}, fmt.Errorf("multipart: %w", err)
	}
	if u.ChecksumAlgorithm == "" {
		return f, nil
	}
	alg, err := checksum.ParseAlgorithm(u.ChecksumAlgorithm)
	if err != nil {
		return Final{}, fmt.Errorf("multipart: %w", err)
	}
	f.ChecksumAlgorithm, f.ChecksumType = string(alg), u.ChecksumType
	if f.ChecksumType == "" {
		f.ChecksumType = DefaultChecksumType(alg)
	}
	f.Checksum, err = combineChecksum(alg, f.ChecksumType, parts)
	if err != nil {
		return Final{}, err
	}
	return f, nil
}

func combineChecksum(alg checksum.Algorithm, typ string, parts []Part) (string, error) {
	sums := make([][]byte, len(parts))
	for i, p := range parts {
		b, err := base64.StdEncoding.DecodeString(p.Checksums[string(alg)])
		if err != nil || len(b) != alg.Size() {
			return "", &PartError{Number: p.Number, Err: fmt.Errorf("no valid %s checksum", alg)}
		}
		sums[i] = b
	}
	switch {
	case typ == Composite:
		return checksum.CompositeChecksum(alg, sums), nil
	case typ == FullObject && alg.IsCRC():
		crcs := make([]checksum.PartCRC, len(parts))
		for i, p := range parts {
			crcs[i] = checksum.PartCRC{Sum: sums[i], Len: p.Size}
		}
		b, err := checksum.CombineCRC(alg, crcs)
		return base64.StdEncoding.EncodeToString(b), err
	}
	return "", fmt.Errorf("multipart: checksum type %s is not available for %s", typ, alg)
}
