package idempotency

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/store"
)

// TestExpire: scans of at most limit tokens, resumed from their cursor,
// forget exactly the tokens recorded before the cutoff, and start over
// once they reach the end.
func TestExpire(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	cutoff := now.Add(-Keep)
	var old []string
	st.Update(ctx, func(tx *store.Tx) error {
		for i := range 10 {
			created := now.Add(-time.Hour)
			if i%3 == 0 {
				created = cutoff.Add(-time.Second)
			}
			tok := fmt.Sprintf("tok-%02d", i)
			if i%3 == 0 {
				old = append(old, fsxd.TokenKey("Create", tok))
			}
			if err := tokens(tx).Insert(fsxd.TokenKey("Create", tok), &fsxd.Token{Op: "Create", Token: tok, Created: created}); err != nil {
				t.Fatal(err)
			}
		}
		return nil
	})
	var forgotten []string
	cursor, scans := "", 0
	for {
		var keys []string
		var next string
		if err := st.View(ctx, func(tx *store.Tx) error {
			var err error
			keys, next, err = Expired(tx, cursor, 4, cutoff)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if err := st.Update(ctx, func(tx *store.Tx) error { return Forget(tx, keys, cutoff) }); err != nil {
			t.Fatal(err)
		}
		forgotten, cursor, scans = append(forgotten, keys...), next, scans+1
		if cursor == "" {
			break
		}
	}
	if scans != 3 || !slices.Equal(forgotten, old) {
		t.Errorf("%d scans forgot %v, want 3 scans forgetting %v", scans, forgotten, old)
	}
	st.View(ctx, func(tx *store.Tx) error {
		n, _ := tokens(tx).Count(nil)
		if n != 10-len(old) {
			t.Errorf("%d tokens left, want %d", n, 10-len(old))
		}
		return nil
	})
	// A key read as old but used again since is kept.
	st.Update(ctx, func(tx *store.Tx) error {
		return tokens(tx).Insert(old[0], &fsxd.Token{Op: "Create", Token: "tok-00", Created: now})
	})
	st.Update(ctx, func(tx *store.Tx) error { return Forget(tx, old[:1], cutoff) })
	st.View(ctx, func(tx *store.Tx) error {
		if _, err := tokens(tx).Get(old[0]); err != nil {
			t.Errorf("a token recorded again was forgotten: %v", err)
		}
		return nil
	})
}
