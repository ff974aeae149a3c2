package fsxd

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
)

// ID prefixes, in AWS's formats: prefix + 17 lowercase hex digits.
const (
	FileSystemPrefix = "fs-"
	VolumePrefix     = "fsvol-"
	SVMPrefix        = "svm-"
)

// NewID returns prefix + 17 random lowercase hex digits.
func NewID(prefix string) string {
	var b [9]byte
	rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])[:17]
}

// ValidID reports whether id is prefix followed by 17 or more lowercase hex digits.
func ValidID(prefix, id string) bool {
	rest, ok := strings.CutPrefix(id, prefix)
	if !ok || len(rest) < 8 {
		return false
	}
	for _, c := range []byte(rest) {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// RandomLower returns n random characters from [a-z0-9].
func RandomLower(n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// Account is where resources live: partition, region and account id.
type Account struct {
	Partition string // "aws"
	Region    string
	ID        string // 12 digits
}

// FileSystemARN is arn:aws:fsx:<region>:<account>:file-system/<fs-id>.
func (a Account) FileSystemARN(fsID string) string {
	return fmt.Sprintf("arn:%s:fsx:%s:%s:file-system/%s", a.Partition, a.Region, a.ID, fsID)
}

// VolumeARN is arn:aws:fsx:<region>:<account>:volume/<fs-id>/<fsvol-id>.
func (a Account) VolumeARN(fsID, volID string) string {
	return fmt.Sprintf("arn:%s:fsx:%s:%s:volume/%s/%s", a.Partition, a.Region, a.ID, fsID, volID)
}

// SVMARN is arn:aws:fsx:<region>:<account>:storage-virtual-machine/<fs-id>/<svm-id>.
func (a Account) SVMARN(fsID, svmID string) string {
	return fmt.Sprintf("arn:%s:fsx:%s:%s:storage-virtual-machine/%s/%s", a.Partition, a.Region, a.ID, fsID, svmID)
}

// AccessPointARN is arn:aws:s3:<region>:<account>:accesspoint/<name>.
func (a Account) AccessPointARN(name string) string {
	return fmt.Sprintf("arn:%s:s3:%s:%s:accesspoint/%s", a.Partition, a.Region, a.ID, name)
}
