package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
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
	m map[keyID][]byte
}{m: make(map[keyID][]byte)}

// signingKey returns the SigV4 signing key for one day, region and service.
// The returned slice is shared: callers must not modify it.
func signingKey(secret string, c credential) []byte {
	id := keyID{secret, c.Date, c.Region, c.Service}
	keyCache.Lock()
	k, ok := keyCache.m[id]
	keyCache.Unlock()
	if ok {
		return k
	}
	k = deriveKey(secret, c)
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
