package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/fsxd/fsxd/store"
)

type rec struct {
	ID   string
	Size int
	Tags []string
}

var recKind = store.Kind[rec]{Name: "rec"}

func recs(tx *store.Tx) store.Table[rec] { return recKind.In(tx) }

// seed inserts rec-00..rec-(n-1), Size = index.
func seed(t *testing.T, s *store.Store, n int) {
	t.Helper()
	err := s.Update(context.Background(), func(tx *store.Tx) error {
		for i := range n {
			id := fmt.Sprintf("rec-%02d", i)
			if err := recs(tx).Insert(id, &rec{ID: id, Size: i}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func testTable(t *testing.T, open Opener) {
	s := store.New(openT(t, open))
	ctx := context.Background()
	in := &rec{ID: "a", Size: 7, Tags: []string{"x", "y"}}
	err := s.Update(ctx, func(tx *store.Tx) error {
		if err := recs(tx).Insert("a", in); err != nil {
			return err
		}
		if err := recs(tx).Insert("a", in); !errors.Is(err, store.ErrExists) {
			return fmt.Errorf("second Insert = %v, want ErrExists", err)
		}
		return recs(tx).Put("b", &rec{ID: "b"})
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.View(ctx, func(tx *store.Tx) error {
		got, err := recs(tx).Get("a")
		if err != nil || got.Size != 7 || len(got.Tags) != 2 || got.Tags[1] != "y" {
			return fmt.Errorf("Get(a) = %+v, %v; want %+v", got, err, in)
		}
		if _, err := recs(tx).Get("c"); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("Get(c) = %v, want ErrNotFound", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Update(ctx, func(tx *store.Tx) error { return recs(tx).Delete("a") })
	if err != nil {
		t.Fatal(err)
	}
	err = s.View(ctx, func(tx *store.Tx) error { _, err := recs(tx).Get("a"); return err })
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Get(deleted) = %v, want ErrNotFound", err)
	}
}

// testTableListPages pages through a filtered List the way an API handler
// does: each page resumes after the last key the previous one returned.
func testTableListPages(t *testing.T, open Opener) {
	s := store.New(openT(t, open))
	seed(t, s, 30)
	odd := func(r *rec) bool { return r.Size%2 == 1 }
	var got []int
	after, pages := "", 0
	for {
		var page []*rec
		err := s.View(context.Background(), func(tx *store.Tx) error {
			var err error
			page, after, err = recs(tx).List(after, 4, odd)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		pages++
		for _, r := range page {
			got = append(got, r.Size)
		}
	}
	if len(got) != 15 || pages != 4 {
		t.Fatalf("paged List saw %v in %d pages; want the 15 odd sizes in 4", got, pages)
	}
	for i, n := range got {
		if n != 2*i+1 {
			t.Fatalf("paged List = %v, want 1, 3, ..., 29", got)
		}
	}
}

func testCount(t *testing.T, open Opener) {
	s := store.New(openT(t, open))
	seed(t, s, 10)
	err := s.View(context.Background(), func(tx *store.Tx) error {
		all, err := recs(tx).Count(nil)
		if err != nil || all != 10 {
			return fmt.Errorf("Count(nil) = %d, %v; want 10", all, err)
		}
		big, err := recs(tx).Count(func(r *rec) bool { return r.Size >= 7 })
		if err != nil || big != 3 {
			return fmt.Errorf("Count(Size>=7) = %d, %v; want 3", big, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func testRestart(t *testing.T, open Opener) {
	b := open(t)
	put(t, b, "k", "durable", "yes")
	if err := b.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	b.Close() // twice is fine
	b2 := openT(t, open)
	wantVal(t, b2, "k", "durable", "yes")
	put(t, b2, "k", "again", "yes") // the reopened schema is writable
}

func testGeneration(t *testing.T, open Opener) {
	s := store.New(openT(t, open))
	ctx := context.Background()
	g0 := s.Generation()
	if err := s.View(ctx, func(*store.Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	fail := s.Update(ctx, func(*store.Tx) error { return errors.New("no") })
	if g := s.Generation(); g != g0 || fail == nil {
		t.Errorf("after View and failed Update: generation %d -> %d", g0, g)
	}
	err := s.Update(ctx, func(tx *store.Tx) error { return recs(tx).Put("a", &rec{}) })
	if g := s.Generation(); err != nil || g == g0 {
		t.Errorf("after Update (%v): generation %d -> %d, want a change", err, g0, g)
	}
}

func testPing(t *testing.T, open Opener) {
	if err := openT(t, open).Ping(context.Background()); err != nil {
		t.Errorf("Ping: %v", err)
	}
}
