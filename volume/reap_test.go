package volume

import (
	"strings"
	"testing"
	"time"

	"github.com/fsxd/fsxd/internal/reap"
	"github.com/fsxd/fsxd/internal/testfs"
)

// A large object replaced is freed after the reply (internal/reap). A
// write that needs that space while it is still held waits for it and
// succeeds, as it would had the rename freed it: a full disk refuses
// nothing more than before.
func TestReplacedSpaceServesNextWrite(t *testing.T) {
	r, err := OpenRoot(testfs.Tmpfs(t, "24m"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	f := r.As(rootID)
	big := strings.Repeat("b", 14<<20)
	mustPut(t, f, "big", big)
	release := reap.Hold()
	defer release()
	mustPut(t, f, "big", "x") // its 14 MiB are held: 10 MiB are free
	done := make(chan error, 1)
	go func() {
		_, err := put(t, f, "other", big)
		done <- err
	}()
	for reap.Draining() == 0 {
		select {
		case err := <-done:
			t.Fatalf("PUT of 14 MiB with 10 MiB free and 14 held ended without waiting for them: %v", err)
		case <-time.After(time.Millisecond):
		}
	}
	release()
	if err := <-done; err != nil {
		t.Fatalf("PUT after the held space came back: %v", err)
	}
	for k, want := range map[string]string{"big": "x", "other": big} {
		if got, err := get(t, f, k); err != nil || got != want {
			t.Errorf("%s: %d bytes, %v; want %d", k, len(got), err, len(want))
		}
	}
}
