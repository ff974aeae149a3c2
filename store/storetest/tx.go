package storetest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/fsxd/fsxd/store"
)

func testRollback(t *testing.T, open Opener) {
	b := openT(t, open)
	put(t, b, "k", "keep", "old")
	boom := errors.New("boom")
	err := b.Update(context.Background(), func(r store.Raw) error {
		for _, w := range []func() error{
			func() error { return r.Put("k", "keep", []byte("new")) },
			func() error { return r.Insert("k", "added", []byte("x")) },
			func() error { return r.Put("other", "added", []byte("x")) },
		} {
			if err := w(); err != nil {
				return err
			}
		}
		return fmt.Errorf("wrapped: %w", boom)
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v, want fn's error", err)
	}
	wantVal(t, b, "k", "keep", "old")
	if got := keys(t, b, "k", ""); len(got) != 1 {
		t.Errorf("keys after rollback = %q, want [keep]", got)
	}
	if got := keys(t, b, "other", ""); len(got) != 0 {
		t.Errorf("other kind after rollback = %q, want none", got)
	}
	// A store error that fn returns rolls back the same way.
	err = b.Update(context.Background(), func(r store.Raw) error {
		if err := r.Delete("k", "keep"); err != nil {
			return err
		}
		return r.Insert("k", "keep", nil) // fine: deleted above
	})
	if err != nil {
		t.Fatalf("Delete+Insert in one tx: %v", err)
	}
	wantVal(t, b, "k", "keep", "")
}

func testViewIsReadOnly(t *testing.T, open Opener) {
	b := openT(t, open)
	writes := map[string]func(store.Raw) error{
		"Put":    func(r store.Raw) error { return r.Put("k", "a", []byte("v")) },
		"Insert": func(r store.Raw) error { return r.Insert("k", "a", []byte("v")) },
	}
	for name, w := range writes {
		if err := b.View(context.Background(), w); err == nil {
			t.Errorf("%s in View succeeded", name)
		}
	}
	if got := keys(t, b, "k", ""); len(got) != 0 {
		t.Errorf("View wrote %q", got)
	}
}

func testViewSeesCommitted(t *testing.T, open Opener) {
	b := openT(t, open)
	for i := range 3 {
		put(t, b, "k", "a", strconv.Itoa(i))
		wantVal(t, b, "k", "a", strconv.Itoa(i))
	}
}

func testUpdateSeesOwnWrites(t *testing.T, open Opener) {
	b := openT(t, open)
	err := b.Update(context.Background(), func(r store.Raw) error {
		if err := r.Put("k", "b", []byte("1")); err != nil {
			return err
		}
		if v, err := r.Get("k", "b"); err != nil || string(v) != "1" {
			return fmt.Errorf("own write: Get = %q, %v", v, err)
		}
		n := 0
		err := r.Scan("k", "", func(string, []byte) (bool, error) { n++; return true, nil })
		if err != nil || n != 1 {
			return fmt.Errorf("own write: Scan saw %d, %v", n, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func testCanceledContext(t *testing.T, open Opener) {
	b := openT(t, open)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := b.Update(ctx, func(r store.Raw) error { return r.Put("k", "a", []byte("v")) })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Update(canceled ctx) = %v, want context.Canceled", err)
	}
	if got := keys(t, b, "k", ""); len(got) != 0 {
		t.Errorf("canceled Update wrote %q", got)
	}
}

// testConcurrentIncrements does read-modify-write from many goroutines: a
// lost update, or an error a backend should have retried, shows in the total.
func testConcurrentIncrements(t *testing.T, open Opener) {
	b := openT(t, open)
	const workers, each = 8, 25
	put(t, b, "counter", "n", "0")
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Go(func() {
			for range each {
				if err := b.Update(context.Background(), increment); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("Update: %v", err)
	}
	wantVal(t, b, "counter", "n", strconv.Itoa(workers*each))
}

func increment(r store.Raw) error {
	v, err := r.Get("counter", "n")
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(string(v))
	if err != nil {
		return err
	}
	return r.Put("counter", "n", []byte(strconv.Itoa(n+1)))
}

// testInsertRace is a lease claim: of many concurrent Inserts of one key,
// exactly one wins and every other sees ErrExists.
func testInsertRace(t *testing.T, open Opener) {
	b := openT(t, open)
	const workers = 8
	for round := range 5 {
		key := fmt.Sprintf("lease-%d", round)
		var wg sync.WaitGroup
		results := make(chan error, workers)
		for w := range workers {
			wg.Go(func() {
				results <- b.Update(context.Background(), func(r store.Raw) error {
					return r.Insert("lease", key, []byte(strconv.Itoa(w)))
				})
			})
		}
		wg.Wait()
		close(results)
		won := 0
		for err := range results {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, store.ErrExists):
				t.Errorf("Insert: %v", err)
			}
		}
		if won != 1 {
			t.Errorf("round %d: %d Inserts won, want 1", round, won)
		}
	}
}
