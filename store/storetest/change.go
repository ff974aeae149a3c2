package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/fsxd/fsxd/store"
)

// testOnChange: a subscriber hears, before Update returns, exactly the
// records of its kinds that the update wrote (a failed update's too), and
// nothing of updates that wrote none of them; a transaction writing more
// records than a change lists reports their kinds.
func testOnChange(t *testing.T, open Opener) {
	s := store.New(openT(t, open))
	ctx := context.Background()
	var mu sync.Mutex
	var heard []store.Change
	s.OnChange([]string{recKind.Name, "other"}, func(c store.Change) {
		mu.Lock()
		defer mu.Unlock()
		heard = append(heard, c)
	})
	ref := func(kind, key string) store.Ref { return store.Ref{Kind: kind, Key: key} }
	putRec := func(key string) func(*store.Tx) error {
		return func(tx *store.Tx) error { return recs(tx).Put(key, &rec{}) }
	}
	many := func(tx *store.Tx) error {
		for i := range 300 {
			if err := tx.Raw().Put("other", fmt.Sprint(i), nil); err != nil {
				return err
			}
		}
		return nil
	}
	tests := []struct {
		name string
		fn   func(*store.Tx) error
		want []store.Change
	}{
		{"read only", func(tx *store.Tx) error { _, err := recs(tx).Get("a"); return err }, nil},
		{"unrelated kind", func(tx *store.Tx) error { return tx.Raw().Put("unrelated", "k", nil) }, nil},
		{"typed put", putRec("a"), []store.Change{{Refs: []store.Ref{ref(recKind.Name, "a")}}}},
		{"two records, one unrelated", func(tx *store.Tx) error {
			tx.Raw().Put("unrelated", "k", nil)
			tx.Raw().Delete("other", "x")
			return putRec("b")(tx)
		}, []store.Change{{Refs: []store.Ref{ref("other", "x"), ref(recKind.Name, "b")}}}},
		{"failed update that wrote", func(tx *store.Tx) error { putRec("c")(tx); return errors.New("no") },
			[]store.Change{{Refs: []store.Ref{ref(recKind.Name, "c")}}}},
		{"too many records", many, []store.Change{{Kinds: []string{"other"}}}},
	}
	for _, tc := range tests {
		heard = nil
		err := s.Update(ctx, tc.fn)
		mu.Lock()
		got := heard
		mu.Unlock()
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s (err %v): heard %+v, want %+v", tc.name, err, got, tc.want)
		}
	}
}

// testViewReads: ViewReads reports the records fn read, found or not,
// and the kinds it scanned.
func testViewReads(t *testing.T, open Opener) {
	s := store.New(openT(t, open))
	ctx := context.Background()
	if err := s.Update(ctx, func(tx *store.Tx) error { return recs(tx).Put("a", &rec{}) }); err != nil {
		t.Fatal(err)
	}
	reads, err := s.ViewReads(ctx, func(tx *store.Tx) error {
		recs(tx).Get("a")
		recs(tx).Get("missing")
		recs(tx).Get("a")
		_, _, err := store.Kind[rec]{Name: "other"}.In(tx).List("", 0, nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []store.Ref{{Kind: recKind.Name, Key: "a"}, {Kind: recKind.Name, Key: "missing"}}
	if !slices.Equal(reads.Refs, want) || !slices.Equal(reads.Kinds, []string{"other"}) {
		t.Errorf("ViewReads = %+v, want refs %+v and kinds [other]", reads, want)
	}
}
