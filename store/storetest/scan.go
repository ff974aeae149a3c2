package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"testing"

	"github.com/fsxd/fsxd/store"
)

// orderKeys are ordered by their bytes, as Go compares strings: punctuation
// below digits below upper case below lower case below DEL below any
// multi-byte UTF-8. A collation-aware database would get this wrong.
var orderKeys = []string{
	"a-b", "a/b", "a0", "é", "\x7f", "A", "Z", "a", "b", "a b", "a.b",
	"a~", "ab", "aB", "a\u00e9", "a\u0101", "日本", "z", "~", "0", "a_b",
}

func testKeyOrder(t *testing.T, open Opener) {
	b := openT(t, open)
	for _, k := range orderKeys {
		put(t, b, "order", k, k)
	}
	want := slices.Clone(orderKeys)
	sort.Strings(want)
	if got := keys(t, b, "order", ""); !slices.Equal(got, want) {
		t.Errorf("Scan order\n got %q\nwant %q", got, want)
	}
	for i, after := range want {
		if got := keys(t, b, "order", after); !slices.Equal(got, want[i+1:]) {
			t.Errorf("Scan after %q\n got %q\nwant %q", after, got, want[i+1:])
		}
	}
	for _, k := range orderKeys {
		wantVal(t, b, "order", k, k)
	}
}

func testScanAfterLimitStop(t *testing.T, open Opener) {
	b := openT(t, open)
	for i := range 20 {
		put(t, b, "k", fmt.Sprintf("k%02d", i), "v")
	}
	put(t, b, "k2", "k00", "other kind")
	check := func(after string, wantFirst string, wantN int) {
		t.Helper()
		got := keys(t, b, "k", after)
		if len(got) != wantN || (wantN > 0 && got[0] != wantFirst) {
			t.Errorf("Scan after %q = %q; want %d keys from %q", after, got, wantN, wantFirst)
		}
	}
	check("", "k00", 20)
	check("k05", "k06", 14)
	check("k055", "k06", 14) // after need not exist
	check("k19", "", 0)
	check("zzz", "", 0)
	if got := keys(t, b, "none", ""); len(got) != 0 {
		t.Errorf("Scan(empty kind) = %q", got)
	}

	var seen []string
	err := b.View(context.Background(), func(r store.Raw) error {
		return r.Scan("k", "", func(k string, _ []byte) (bool, error) {
			seen = append(seen, k)
			return len(seen) < 3, nil
		})
	})
	if err != nil || !slices.Equal(seen, []string{"k00", "k01", "k02"}) {
		t.Errorf("Scan stopping after 3 saw %q, %v", seen, err)
	}

	boom := errors.New("boom")
	calls := 0
	err = b.View(context.Background(), func(r store.Raw) error {
		return r.Scan("k", "", func(string, []byte) (bool, error) {
			calls++
			return true, boom
		})
	})
	if !errors.Is(err, boom) || calls != 1 {
		t.Errorf("Scan with failing fn = %v after %d calls; want boom after 1", err, calls)
	}
}

// testScanManyPages crosses the page boundaries SQL backends read by.
func testScanManyPages(t *testing.T, open Opener) {
	b := openT(t, open)
	const n = 1000
	err := b.Update(context.Background(), func(r store.Raw) error {
		for i := range n {
			if err := r.Put("many", fmt.Sprintf("%05d", i), []byte("v")); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got := keys(t, b, "many", "")
	if len(got) != n || !slices.IsSorted(got) || got[0] != "00000" || got[n-1] != "00999" {
		t.Errorf("Scan saw %d keys (sorted %v); want %d in order", len(got), slices.IsSorted(got), n)
	}
}

// testScanWhileWriting writes from the Scan callback, as code that expires
// leases does: each key is seen once and the writes land.
func testScanWhileWriting(t *testing.T, open Opener) {
	b := openT(t, open)
	for i := range 300 {
		put(t, b, "lease", fmt.Sprintf("%03d", i), "v")
	}
	n := 0
	err := b.Update(context.Background(), func(r store.Raw) error {
		return r.Scan("lease", "", func(k string, _ []byte) (bool, error) {
			n++
			if err := r.Delete("lease", k); err != nil {
				return false, err
			}
			return true, r.Put("expired", k, []byte("v"))
		})
	})
	if err != nil || n != 300 {
		t.Fatalf("Scan+Delete saw %d keys, %v; want 300", n, err)
	}
	if left, moved := keys(t, b, "lease", ""), keys(t, b, "expired", ""); len(left) != 0 || len(moved) != 300 {
		t.Errorf("after moving: %d left, %d moved; want 0, 300", len(left), len(moved))
	}
}
