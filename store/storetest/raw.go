package storetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"testing"

	"github.com/fsxd/fsxd/store"
)

func testGetMissing(t *testing.T, open Opener) {
	b := openT(t, open)
	if _, err := get(t, b, "k", "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Get(missing) = %v, want ErrNotFound", err)
	}
	err := b.Update(context.Background(), func(r store.Raw) error { return r.Delete("k", "nope") })
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Delete(missing) = %v, want ErrNotFound", err)
	}
}

func testInsertPutDelete(t *testing.T, open Opener) {
	b := openT(t, open)
	ctx := context.Background()
	step := func(name string, fn func(store.Raw) error, want error) {
		t.Helper()
		if err := b.Update(ctx, fn); !errors.Is(err, want) {
			t.Fatalf("%s = %v, want %v", name, err, want)
		}
	}
	step("Insert", func(r store.Raw) error { return r.Insert("k", "a", []byte("1")) }, nil)
	step("Insert again", func(r store.Raw) error { return r.Insert("k", "a", []byte("2")) }, store.ErrExists)
	wantVal(t, b, "k", "a", "1")
	step("Put", func(r store.Raw) error { return r.Put("k", "a", []byte("3")) }, nil)
	wantVal(t, b, "k", "a", "3")
	step("Put new", func(r store.Raw) error { return r.Put("k", "b", []byte("4")) }, nil)
	wantVal(t, b, "k", "b", "4")
	step("Delete", func(r store.Raw) error { return r.Delete("k", "a") }, nil)
	step("Delete again", func(r store.Raw) error { return r.Delete("k", "a") }, store.ErrNotFound)
	if _, err := get(t, b, "k", "a"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Get(deleted) = %v, want ErrNotFound", err)
	}
	step("Insert after delete", func(r store.Raw) error { return r.Insert("k", "a", []byte("5")) }, nil)
	wantVal(t, b, "k", "a", "5")
}

func wantVal(t *testing.T, b store.Backend, kind, key, want string) {
	t.Helper()
	got, err := get(t, b, kind, key)
	if err != nil || string(got) != want {
		t.Fatalf("Get(%s/%s) = %q, %v; want %q", kind, key, got, err, want)
	}
}

func testKindsAreSeparate(t *testing.T, open Opener) {
	b := openT(t, open)
	put(t, b, "vol", "x", "volume")
	put(t, b, "volume", "x", "other")
	put(t, b, "vo", "y", "short")
	wantVal(t, b, "vol", "x", "volume")
	wantVal(t, b, "volume", "x", "other")
	if got := keys(t, b, "vol", ""); len(got) != 1 || got[0] != "x" {
		t.Errorf("Scan(vol) = %q, want [x]", got)
	}
}

func testEmptyValue(t *testing.T, open Opener) {
	b := openT(t, open)
	err := b.Update(context.Background(), func(r store.Raw) error {
		if err := r.Put("k", "empty", []byte{}); err != nil {
			return err
		}
		return r.Insert("k", "nil", nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"empty", "nil"} {
		if got, err := get(t, b, "k", key); err != nil || len(got) != 0 {
			t.Errorf("Get(%s) = %q, %v; want empty", key, got, err)
		}
	}
}

func testLargeValues(t *testing.T, open Opener) {
	b := openT(t, open)
	const n = 5 // more than one page's worth of bytes
	vals := make([][]byte, n)
	err := b.Update(context.Background(), func(r store.Raw) error {
		for i := range vals {
			vals[i] = make([]byte, 1<<20)
			rand.Read(vals[i])
			if err := r.Put("big", fmt.Sprint(i), vals[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := get(t, b, "big", "0"); err != nil || !bytes.Equal(got, vals[0]) {
		t.Fatalf("Get(1 MiB) = %d bytes, %v; want the value put", len(got), err)
	}
	i := 0
	err = b.View(context.Background(), func(r store.Raw) error {
		return r.Scan("big", "", func(k string, v []byte) (bool, error) {
			if k != fmt.Sprint(i) || !bytes.Equal(v, vals[i]) {
				return false, fmt.Errorf("value %d: key %q, %d bytes differ", i, k, len(v))
			}
			i++
			return true, nil
		})
	})
	if err != nil || i != n {
		t.Fatalf("Scan(big) saw %d values, %v; want %d", i, err, n)
	}
}
