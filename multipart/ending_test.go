package multipart

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestEndLockTwoNodes: two Stores on one directory (two nodes) hold one
// upload's end in turn. A waiter gives up when its context ends; one that
// gets the lock after the holder removed the upload finds it gone.
func TestEndLockTwoNodes(t *testing.T) {
	a := newStore(t)
	b, err := Open(a.dir)
	if err != nil {
		t.Fatal(err)
	}
	u := create(t, a, "ap", "k")
	unlockA, err := a.EndLock(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := b.EndLock(ctx, u.ID); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("b took the end a holds: %v", err)
	}

	got := make(chan func(), 1)
	go func() {
		unlock, err := b.EndLock(context.Background(), u.ID)
		if err != nil {
			t.Error(err)
		}
		got <- unlock
	}()
	select {
	case <-got:
		t.Fatal("b took the end while a holds it")
	case <-time.After(200 * time.Millisecond):
	}
	if err := a.Remove(u.ID); err != nil { // a's Abort, while b waits
		t.Fatal(err)
	}
	unlockA()
	select {
	case unlockB := <-got:
		if err := b.Remove(u.ID); !errors.Is(err, ErrNoSuchUpload) {
			t.Errorf("b's Abort after a's: %v, want ErrNoSuchUpload", err)
		}
		unlockB()
	case <-time.After(10 * time.Second):
		t.Fatal("b never took the end a released")
	}

	// No upload, or no valid id: nothing to wait for.
	for _, id := range []string{u.ID, "../x", ""} {
		unlock, err := b.EndLock(context.Background(), id)
		if err != nil {
			t.Fatalf("EndLock(%q): %v", id, err)
		}
		unlock()
	}
}

// TestEndLockOneNode: within one Store the ends of one upload queue on the
// key lock, a waiter whose context ended meanwhile gives up once the holder
// is done, and different uploads do not wait for each other.
func TestEndLockOneNode(t *testing.T) {
	s := newStore(t)
	u1, u2 := create(t, s, "ap", "k1"), create(t, s, "ap", "k2")
	unlock1, err := s.EndLock(context.Background(), u1.ID)
	if err != nil {
		t.Fatal(err)
	}
	unlock2, err := s.EndLock(context.Background(), u2.ID)
	if err != nil {
		t.Fatalf("another upload's end: %v", err)
	}
	unlock2()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		unlock, err := s.EndLock(ctx, u1.ID)
		if err == nil {
			t.Error("took the end another request holds")
			unlock()
		}
	}()
	time.Sleep(100 * time.Millisecond)
	unlock1()
	<-done
}
