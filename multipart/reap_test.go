package multipart

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/fsxd/fsxd/internal/reap"
	"github.com/fsxd/fsxd/internal/testfs"
)

// holdSpace leaves size bytes of dir's file system held by internal/reap,
// as a large object just replaced is, until the returned release.
func holdSpace(t *testing.T, dir string, size int64) (release func()) {
	t.Helper()
	p := filepath.Join(dir, "replaced")
	if err := os.WriteFile(p, make([]byte, size), 0o644); err != nil {
		t.Fatal(err)
	}
	dirfd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(dirfd)
	pin := reap.Pin(dirfd, "replaced", true, size)
	if pin < 0 {
		t.Fatal("Pin refused a large regular file")
	}
	os.Remove(p)
	release = reap.Hold()
	reap.Put(pin)
	t.Cleanup(release)
	return release
}

// A part that needs space held by internal/reap waits for it and is
// stored whole, written in its slot or as a part file.
func TestPartWaitsForHeldSpace(t *testing.T) {
	for _, tc := range []struct {
		name  string
		sized bool
	}{{"slot", true}, {"part file", false}} {
		t.Run(tc.name, func(t *testing.T) {
			mnt := testfs.Tmpfs(t, "24m")
			s, err := Open(filepath.Join(mnt, "uploads"))
			if err != nil {
				t.Fatal(err)
			}
			s.SlotMin = slotMin
			u := create(t, s, "ap", "k")
			data := partData(1, 14<<20, 0)
			release := holdSpace(t, mnt, 14<<20) // 10 MiB free, 14 held
			size := int64(-1)
			if tc.sized {
				size = int64(len(data))
			}
			type result struct {
				p   Part
				err error
			}
			done := make(chan result, 1)
			go func() {
				p, err := putSized(s, u.ID, 1, size, data)
				done <- result{p, err}
			}()
			for reap.Draining() == 0 {
				select {
				case r := <-done:
					t.Fatalf("part of 14 MiB with 14 held ended without waiting for them: %v", r.err)
				case <-time.After(time.Millisecond):
				}
			}
			release()
			r := <-done
			if r.err != nil || r.p.Size != int64(len(data)) || r.p.InSlot != tc.sized {
				t.Fatalf("part after the held space came back: %+v, %v; want %d bytes, in slot %v", r.p, r.err, len(data), tc.sized)
			}
			files, _, err := s.OpenParts(u.ID, []int{1})
			if err != nil {
				t.Fatal(err)
			}
			defer files[0].Close()
			got := make([]byte, len(data)+1)
			n, _ := files[0].ReadAt(got, r.p.Offset)
			if !bytes.Equal(got[:min(n, len(data))], data) {
				t.Errorf("part 1 reads back %d bytes, not what was sent", n)
			}
		})
	}
}
