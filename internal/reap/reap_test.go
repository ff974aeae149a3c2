package reap

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// bigFile makes a sparse file of size bytes in dir and returns its name.
func bigFile(t *testing.T, dir, name string, size int64) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(p, size); err != nil {
		t.Fatal(err)
	}
	return name
}

func openDir(t *testing.T, dir string) int {
	t.Helper()
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	return fd
}

func isOpen(fd int) bool {
	var st unix.Stat_t
	return unix.Fstat(fd, &st) == nil
}

// Pin holds only regular files of at least Min bytes, and what it holds
// is the file that was at the name, still readable after it is replaced.
func TestPin(t *testing.T) {
	dir := t.TempDir()
	dirfd := openDir(t, dir)
	bigFile(t, dir, "big", Min)
	bigFile(t, dir, "small", Min-1)
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	for _, tc := range []struct {
		name    string
		regular bool
		size    int64
		pinned  bool
	}{
		{"big", true, Min, true},
		{"small", true, Min - 1, false},
		{"sub", false, 4096, false},
		{"missing", true, Min, false},
	} {
		fd := Pin(dirfd, tc.name, tc.regular, tc.size)
		if (fd >= 0) != tc.pinned {
			t.Errorf("Pin(%s) = %d; want pinned %v", tc.name, fd, tc.pinned)
		}
		if fd < 0 {
			continue
		}
		var before, after unix.Stat_t
		unix.Fstat(fd, &before)
		bigFile(t, dir, "new", 1)
		if err := os.Rename(filepath.Join(dir, "new"), filepath.Join(dir, tc.name)); err != nil {
			t.Fatal(err)
		}
		if err := unix.Fstat(fd, &after); err != nil || after.Ino != before.Ino || after.Nlink != 0 || after.Size != Min {
			t.Errorf("pinned file after the rename: %+v, %v; want inode %d, no links, %d bytes", after, err, before.Ino, Min)
		}
		Put(fd)
		Drain()
		if isOpen(fd) {
			t.Errorf("fd %d still open after Drain", fd)
		}
	}
}

// Put never lets more than Max fds wait: past that it closes at once.
// Drain waits for every close; Closed counts them all.
func TestPutBounded(t *testing.T) {
	before := Drain()
	dir := t.TempDir()
	q.Lock()
	q.running = true // no closer yet: everything Put hands over waits
	q.Unlock()
	var fds []int
	for i := range Max + 3 {
		fd, err := unix.Open(dir, unix.O_PATH|unix.O_CLOEXEC, 0)
		if err != nil {
			t.Fatal(err)
		}
		fds = append(fds, fd)
		Put(fd)
		if i >= Max && isOpen(fd) {
			t.Errorf("fd %d (the %dth) is held; want it closed at once past Max", fd, i+1)
		}
	}
	q.Lock()
	waiting := len(q.fds)
	q.Unlock()
	if waiting != Max {
		t.Errorf("%d fds waiting; want Max (%d)", waiting, Max)
	}
	done := make(chan uint64)
	go func() { done <- Drain() }()
	for Draining() == 0 {
		runtime.Gosched()
	}
	if Closed() != before+3 {
		t.Errorf("%d closes before the closer ran; want the 3 past Max", Closed()-before)
	}
	go closeAll()
	if n := <-done - before; n != Max+3 {
		t.Errorf("Drain returned %d closes; want %d", n, Max+3)
	}
	for _, fd := range fds[:Max] {
		if isOpen(fd) {
			t.Errorf("fd %d still open after Drain", fd)
		}
	}
}

// Write tries again, from where the write stopped, only when the file
// system is full and space held came back since the write began (while
// it failed, or in the Drain that follows).
func TestWriteRetriesWhenSpaceHeld(t *testing.T) {
	for _, tc := range []struct {
		name   string
		held   bool
		err    error
		calls  int
		wantOK bool
	}{
		{"full, space held", true, unix.ENOSPC, 2, true},
		{"over quota, space held", true, unix.EDQUOT, 2, true},
		{"full, nothing held", false, unix.ENOSPC, 1, false},
		{"other error, space held", true, unix.EIO, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			Drain()
			release := make(chan struct{})
			if tc.held {
				fd, err := unix.Open(t.TempDir(), unix.O_PATH|unix.O_CLOEXEC, 0)
				if err != nil {
					t.Fatal(err)
				}
				q.Lock()
				q.fds, q.running = append(q.fds, fd), true
				q.Unlock()
				go func() { <-release; closeAll() }()
			}
			var got bytes.Buffer
			calls := 0
			n, err := Write([]byte("abcdefgh"), func(b []byte) (int, error) {
				calls++
				if calls == 1 {
					got.Write(b[:3])
					close(release) // the held space is given back meanwhile
					return 3, tc.err
				}
				got.Write(b)
				return len(b), nil
			})
			if calls != tc.calls {
				t.Errorf("write called %d times; want %d", calls, tc.calls)
			}
			if tc.wantOK {
				if err != nil || n != 8 || got.String() != "abcdefgh" {
					t.Errorf("Write = %d, %v, wrote %q; want 8, nil, every byte once", n, err, got.String())
				}
			} else if err != tc.err || n != 3 {
				t.Errorf("Write = %d, %v; want 3, %v", n, err, tc.err)
			}
			Drain()
		})
	}
}

// Hold keeps every close waiting, Drain included, until released.
func TestHold(t *testing.T) {
	Drain()
	fd, err := unix.Open(t.TempDir(), unix.O_PATH|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	release := Hold()
	defer release()
	Put(fd)
	before := Closed()
	done := make(chan uint64)
	go func() { done <- Drain() }()
	for Draining() == 0 {
		runtime.Gosched()
	}
	if !isOpen(fd) {
		t.Fatal("fd closed while held")
	}
	release()
	if n := <-done - before; n != 1 {
		t.Errorf("Drain of one held fd returned %d closes", n)
	}
	if isOpen(fd) {
		t.Error("fd still open after release and Drain")
	}
}
