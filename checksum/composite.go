package checksum

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// CompositeChecksum is S3's COMPOSITE multipart checksum: the checksum of
// the concatenated binary part checksums, base64, then "-" and the part
// count. It returns "" for an unknown algorithm.
func CompositeChecksum(alg Algorithm, partChecksums [][]byte) string {
	h := alg.newHash()
	if h == nil {
		return ""
	}
	for _, c := range partChecksums {
		h.Write(c)
	}
	return base64.StdEncoding.EncodeToString(h.Sum(nil)) + "-" + strconv.Itoa(len(partChecksums))
}

// MultipartETag is S3's multipart ETag (unquoted): the hex MD5 of the
// concatenated binary part MD5s, then "-" and the part count.
func MultipartETag(partMD5s [][]byte) string {
	h := md5.New()
	for _, m := range partMD5s {
		h.Write(m)
	}
	return hex.EncodeToString(h.Sum(nil)) + "-" + strconv.Itoa(len(partMD5s))
}

// MultipartETagHex is MultipartETag over part ETags as clients send them
// back in CompleteMultipartUpload: hex, with or without quotes.
func MultipartETagHex(etags []string) (string, error) {
	md5s := make([][]byte, len(etags))
	for i, e := range etags {
		b, err := hex.DecodeString(strings.Trim(e, `"`))
		if err != nil || len(b) != md5.Size {
			return "", fmt.Errorf("checksum: part %d: ETag %q is not an MD5", i+1, e)
		}
		md5s[i] = b
	}
	return MultipartETag(md5s), nil
}
