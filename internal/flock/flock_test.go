package flock

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestPoll: a free file is locked at once; one another descriptor holds
// is waited for until the context ends, and taken once it is released.
func TestPoll(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	open := func() *os.File {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	holder, waiter := open(), open()
	if locked, err := Poll(context.Background(), int(holder.Fd())); !locked || err != nil {
		t.Fatalf("free file: locked %v, %v", locked, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if locked, err := Poll(ctx, int(waiter.Fd())); locked || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("held file: locked %v, %v", locked, err)
	}
	go func() { time.Sleep(20 * time.Millisecond); holder.Close() }()
	if locked, err := Poll(context.Background(), int(waiter.Fd())); !locked || err != nil {
		t.Fatalf("after release: locked %v, %v", locked, err)
	}
}
