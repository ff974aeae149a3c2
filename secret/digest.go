package secret

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
)

// A digest stands in for a secret that must be compared later but never
// read back, such as a password in a request kept for idempotency: equal
// values give equal digests, and without the master key a copied store
// gives no way to test guesses against them (an unkeyed hash would, and
// passwords are few enough to guess).

// digestKey derives the key digests are made with from the master key, so
// the master key itself only ever keys AES-GCM.
func digestKey(master []byte) []byte {
	m := hmac.New(sha256.New, master)
	m.Write([]byte("fsxd digest key"))
	return m.Sum(nil)
}

// Digest is HMAC-SHA-256 of value under a key derived from the master key,
// separated by purpose (one purpose's digest never equals another's for
// the same value). The result is "d1:<key id>:<base64>": a digest made
// under another master key is told apart by its key id.
func (b *Box) Digest(purpose, value string) string {
	m := hmac.New(sha256.New, b.digest)
	m.Write([]byte(purpose))
	m.Write([]byte{0}) // purposes never contain NUL: purpose and value stay apart
	m.Write([]byte(value))
	return "d1:" + b.id + ":" + base64.RawStdEncoding.EncodeToString(m.Sum(nil))
}
