package s3api

import (
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"

	"github.com/fsxd/fsxd/awserr"
)

// A continuation token is opaque to clients but only names where the
// previous page ended: a version byte, the last key or common prefix
// returned, and a CRC32 over both so that a token that was cut, altered or
// made up is refused (InvalidArgument, as S3 does) instead of silently
// listing from somewhere else. It carries no secret: forging one buys
// nothing start-after does not already give. Being stateless, it works on
// any node and after restarts.
const tokenVersion = 1

func encodeToken(marker string) string {
	b := make([]byte, 0, 1+len(marker)+4)
	b = append(b, tokenVersion)
	b = append(b, marker...)
	b = binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeToken(tok string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(b) < 5 || b[0] != tokenVersion {
		return "", badToken(tok)
	}
	body, sum := b[:len(b)-4], binary.BigEndian.Uint32(b[len(b)-4:])
	if crc32.ChecksumIEEE(body) != sum || len(body)-1 > maxKeyLen {
		return "", badToken(tok)
	}
	return string(body[1:]), nil
}

func badToken(tok string) *awserr.Error {
	return invalidArgument("continuation-token", tok, "The continuation token provided is incorrect")
}

// maxKeyLen is S3's key limit, in bytes.
const maxKeyLen = 1024
