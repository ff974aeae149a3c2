// Package secret keeps secrets at rest: access key secrets must stay
// verifiable (SigV4 needs the plaintext secret to compute the HMAC, so a
// one-way hash won't do) yet a stolen store file must not reveal them. They
// are sealed with AES-256-GCM under a master key that lives outside the
// store, in a file of its own: whoever copies the database alone gets
// ciphertext. Nodes of one cluster share the master key file.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the master key's length: AES-256.
const KeySize = 32

// version prefixes every sealed value, so the format can change later
// without guessing what an old record holds.
const version = "v1"

// ErrOpen is returned when a sealed value cannot be opened: tampered,
// malformed, bound to another AAD, or sealed under another master key.
var ErrOpen = errors.New("secret: cannot open sealed value")

// Box seals and opens secrets under one master key. It is safe for
// concurrent use.
type Box struct {
	aead   cipher.AEAD
	id     string
	digest []byte // the key of Digest (digest.go)
}

// New returns a Box for a 32-byte master key.
func New(key []byte) (*Box, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("secret: master key is %d bytes, want %d", len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Box{aead: aead, id: fingerprint(key), digest: digestKey(key)}, nil
}

// fingerprint names a master key without revealing it, so an Open under
// the wrong key can say so instead of reporting tampering.
func fingerprint(key []byte) string {
	h := sha256.New()
	h.Write([]byte("fsxd master key id\x00"))
	h.Write(key)
	return hex.EncodeToString(h.Sum(nil)[:4])
}

// KeyID is the master key's fingerprint (8 hex digits); operators compare
// it across nodes to check they share one key.
func (b *Box) KeyID() string { return b.id }

// Seal encrypts plain, binding it to aad (the access key id): a sealed
// secret copied onto another key's record does not open there. The result
// is "v1:<key id>:<base64 nonce|ciphertext|tag>".
func (b *Box) Seal(plain, aad string) string {
	nonce := make([]byte, b.aead.NonceSize(), b.aead.NonceSize()+len(plain)+b.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic("secret: no randomness: " + err.Error()) // crypto/rand never fails on supported systems
	}
	out := b.aead.Seal(nonce, nonce, []byte(plain), []byte(aad))
	return version + ":" + b.id + ":" + base64.RawStdEncoding.EncodeToString(out)
}

// Open decrypts a value made by Seal with the same aad. Any failure wraps
// ErrOpen; the message never contains the plaintext.
func (b *Box) Open(sealed, aad string) (string, error) {
	ver, rest, ok1 := strings.Cut(sealed, ":")
	id, data, ok2 := strings.Cut(rest, ":")
	if !ok1 || !ok2 || ver != version {
		return "", fmt.Errorf("%w: unknown format", ErrOpen)
	}
	if id != b.id {
		return "", fmt.Errorf("%w: sealed under master key %s, this node has %s", ErrOpen, id, b.id)
	}
	// Strict: Seal's encoding has zero trailing bits, and a value whose
	// last character differs only in those bits is not the one sealed.
	raw, err := base64.RawStdEncoding.Strict().DecodeString(data)
	if err != nil || len(raw) < b.aead.NonceSize()+b.aead.Overhead() {
		return "", fmt.Errorf("%w: malformed", ErrOpen)
	}
	n := b.aead.NonceSize()
	plain, err := b.aead.Open(nil, raw[:n], raw[n:], []byte(aad))
	if err != nil {
		return "", fmt.Errorf("%w: authentication failed", ErrOpen)
	}
	return string(plain), nil
}
