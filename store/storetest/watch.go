package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/fsxd/fsxd/store"
)

// testWatchKinds checks the kinds-in-commit bookkeeping behind
// Store.Watch: a watch moves with its kinds' commits (typed or raw
// writes, even a failed Update's), and with no others.
func testWatchKinds(t *testing.T, open Opener) {
	s := store.New(openT(t, open))
	ctx := context.Background()
	w := s.Watch(recKind.Name, "other")
	putRec := func(tx *store.Tx) error { return recs(tx).Put("a", &rec{}) }
	tests := []struct {
		name  string
		fn    func(*store.Tx) error
		moves bool
	}{
		{"read only", func(tx *store.Tx) error { _, err := recs(tx).Get("a"); return err }, false},
		{"unrelated kind", func(tx *store.Tx) error { return tx.Raw().Put("unrelated", "k", nil) }, false},
		{"typed put", putRec, true},
		{"raw put of a watched kind", func(tx *store.Tx) error { return tx.Raw().Put("other", "k", nil) }, true},
		{"raw delete", func(tx *store.Tx) error { return tx.Raw().Delete("other", "k") }, true},
		{"failed update that wrote", func(tx *store.Tx) error { putRec(tx); return errors.New("no") }, true},
		{"two kinds", func(tx *store.Tx) error { tx.Raw().Put("unrelated", "k", nil); return putRec(tx) }, true},
	}
	for _, tc := range tests {
		g0, all0 := w.Generation(), s.Generation()
		err := s.Update(ctx, tc.fn)
		if g := w.Generation(); (g != g0) != tc.moves {
			t.Errorf("%s (err %v): watch %d -> %d, want moved = %v", tc.name, err, g0, g, tc.moves)
		}
		if err == nil && s.Generation() == all0 {
			t.Errorf("%s: Generation did not move", tc.name)
		}
	}
}
