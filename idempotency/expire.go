package idempotency

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/store"
)

// Keep is how long a token is remembered. AWS documents no lifetime;
// docs/decisions.md ("ClientRequestToken scope") promises at least 24
// hours, and SDKs retry within minutes. Without an end, the table would
// grow by a request (up to 1 MiB) with every create, update and delete.
const Keep = 7 * 24 * time.Hour

// Expired returns the keys of the tokens recorded before cutoff among the
// next limit tokens after cursor, in key order, and the cursor to resume
// from: "" once the scan has reached the end, so the next starts over. A
// scan's work is bounded by limit whatever the table holds.
func Expired(tx *store.Tx, cursor string, limit int, cutoff time.Time) (keys []string, next string, err error) {
	n := 0
	err = tx.Raw().Scan(fsxd.KindToken, cursor, func(key string, b []byte) (bool, error) {
		n, next = n+1, key
		var rec struct{ Created time.Time }
		if err := json.Unmarshal(b, &rec); err != nil {
			return false, err
		}
		if rec.Created.Before(cutoff) {
			keys = append(keys, key)
		}
		return n < limit, nil
	})
	if n < limit {
		next = ""
	}
	return keys, next, err
}

// Forget deletes the tokens keys names that are still older than cutoff
// (one may have been deleted and used again since Expired read it).
func Forget(tx *store.Tx, keys []string, cutoff time.Time) error {
	for _, key := range keys {
		rec, err := tokens(tx).Get(key)
		switch {
		case errors.Is(err, store.ErrNotFound):
			continue
		case err != nil:
			return err
		}
		if !rec.Created.Before(cutoff) {
			continue
		}
		if err := tokens(tx).Delete(key); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	return nil
}
