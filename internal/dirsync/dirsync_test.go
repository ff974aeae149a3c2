package dirsync

import (
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"

	"golang.org/x/sys/unix"
)

func openDirFd(t testing.TB) int {
	t.Helper()
	fd, err := unix.Open(t.TempDir(), unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	return fd
}

// waitCallers waits until n callers of Group for fd have arrived
// (taken their place), or, for n = 0, until the group is forgotten.
func waitCallers(t *testing.T, fd, n int) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		t.Fatal(err)
	}
	k := dirKey{uint64(st.Dev), st.Ino}
	for {
		dirGroups.Lock()
		g := dirGroups.m[k]
		got := 0
		dirGroups.Unlock()
		if g == nil && n == 0 {
			return
		}
		if g != nil && n > 0 {
			g.mu.Lock()
			got = g.queued
			g.mu.Unlock()
		}
		if n > 0 && got == n {
			return
		}
		runtime.Gosched()
	}
}

// Callers that arrive while an fsync is in flight are not covered by it
// (it may have started before their change): they wait for it, then
// share one new fsync, whose error each of them gets.
func TestGroupSyncCoversOnlyLaterFsyncs(t *testing.T) {
	fd := openDirFd(t)
	var calls atomic.Int32
	started, release := make(chan int32), make(chan error)
	fsyncFake := func() error { started <- calls.Add(1); return <-release }

	first := make(chan error)
	go func() { first <- Group(fd, fsyncFake) }()
	if n := <-started; n != 1 {
		t.Fatalf("fsync #%d started, want #1", n)
	}
	const late = 3
	done := make(chan error, late)
	for range late {
		go func() { done <- Group(fd, fsyncFake) }()
	}
	waitCallers(t, fd, 1+late)
	release <- nil // fsync #1 ends: it started before the late callers
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if n := <-started; n != 2 {
		t.Fatalf("fsync #%d started, want #2", n)
	}
	select {
	case err := <-done:
		t.Fatalf("a late caller returned (%v) before any fsync that started after it ended", err)
	default:
	}
	boom := errors.New("EIO")
	release <- boom
	for range late {
		if err := <-done; err != boom {
			t.Errorf("late caller got %v, want the shared fsync's error", err)
		}
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("%d fsyncs for 1+%d callers, want 2", n, late)
	}
	waitCallers(t, fd, 0) // and the idle directory is forgotten
}

// BenchmarkGroup is a small durable write's name part: create a file
// in one shared directory and make the entry durable, from 8 goroutines
// per core, with the directory fsyncs grouped (as volume and multipart do) or one
// per write. fsyncs/op is how many directory fsyncs ran per write.
func BenchmarkGroup(b *testing.B) {
	for _, grouped := range []bool{true, false} {
		b.Run(map[bool]string{true: "grouped", false: "each"}[grouped], func(b *testing.B) {
			fd := openDirFd(b)
			var seq atomic.Int64
			f0 := Fsyncs.Load()
			b.ReportAllocs()
			b.SetParallelism(8)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					name := fmt.Sprintf("f%d", seq.Add(1))
					nfd, err := unix.Openat(fd, name, unix.O_CREAT|unix.O_WRONLY|unix.O_CLOEXEC, 0o644)
					if err != nil {
						b.Error(err)
						return
					}
					unix.Close(nfd)
					sync := func() error { return unix.Fsync(fd) }
					if grouped {
						err = Group(fd, sync)
					} else {
						Fsyncs.Add(1)
						err = sync()
					}
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(Fsyncs.Load()-f0)/float64(b.N), "fsyncs/op")
		})
	}
}
