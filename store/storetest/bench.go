package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/fsxd/fsxd/store"
)

const benchKeys = 1000

// BenchGet measures a View with one Get of a 256-byte value.
func BenchGet(b *testing.B, be store.Backend) {
	ctx := context.Background()
	val := make([]byte, 256)
	err := be.Update(ctx, func(r store.Raw) error {
		for i := range benchKeys {
			if err := r.Put("bench", fmt.Sprint(i), val); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		key := fmt.Sprint(i % benchKeys)
		i++
		if err := be.View(ctx, func(r store.Raw) error { _, err := r.Get("bench", key); return err }); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchPut measures an Update with one Put of a 256-byte value: the cost of
// a durable commit.
func BenchPut(b *testing.B, be store.Backend) {
	ctx := context.Background()
	val := make([]byte, 256)
	i := 0
	for b.Loop() {
		key := fmt.Sprint(i % benchKeys)
		i++
		if err := be.Update(ctx, func(r store.Raw) error { return r.Put("bench", key, val) }); err != nil {
			b.Fatal(err)
		}
	}
}
