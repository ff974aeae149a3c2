package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"hash"
	"sync"
)

// maxCachedKeys bounds the signing-key cache. A key is valid for one day,
// region and service, so a server sees about one per active access key.
const maxCachedKeys = 1024

// keyID names a derived key. The secret is part of it so that a key id
// whose secret changed (rotated, deleted and recreated) never hits a key
// derived from the old secret.
type keyID struct {
	secret, date, region, service string
}

// keyCache saves the four HMACs of key derivation on every request.
var keyCache = struct {
	sync.Mutex
	m map[keyID]*derivedKey
}{m: make(map[keyID]*derivedKey)}

// derivedKey is a signing key and HMACs keyed with it: a keyed HMAC
// costs five allocations and two SHA-256 blocks to set up, Reset neither.
type derivedKey struct {
	key  []byte // shared: never modified
	macs sync.Pool
}

// mac returns an HMAC-SHA256 keyed with k, reset; give it back with done.
func (k *derivedKey) mac() hash.Hash {
	if m, ok := k.macs.Get().(hash.Hash); ok {
		m.Reset()
		return m
	}
	return hmac.New(sha256.New, k.key)
}

func (k *derivedKey) done(m hash.Hash) { k.macs.Put(m) }

// signingKey returns the SigV4 signing key for one day, region and service.
func signingKey(secret string, c credential) *derivedKey {
	id := keyID{secret, c.Date, c.Region, c.Service}
	keyCache.Lock()
	k, ok := keyCache.m[id]
	keyCache.Unlock()
	if ok {
		return k
	}
	k = &derivedKey{key: deriveKey(secret, c)}
	keyCache.Lock()
	if len(keyCache.m) >= maxCachedKeys {
		// Evict an arbitrary entry: yesterday's keys go eventually, and a
		// flood of bogus scopes cannot grow the map.
		for old := range keyCache.m {
			delete(keyCache.m, old)
			break
		}
	}
	keyCache.m[id] = k
	keyCache.Unlock()
	return k
}

func deriveKey(secret string, c credential) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), c.Date)
	k = hmacSHA256(k, c.Region)
	k = hmacSHA256(k, c.Service)
	return hmacSHA256(k, terminator)
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}
