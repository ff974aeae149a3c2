package volume

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// makeFlat creates n empty files flat/f0000000… with Meta, the way a PUT
// leaves them (or, !meta, as written beside S3), with a few syscalls each
// (a million in seconds).
func makeFlat(b *testing.B, dir string, n int, meta bool) {
	flat := filepath.Join(dir, "flat")
	if err := os.Mkdir(flat, 0o755); err != nil {
		b.Fatal(err)
	}
	dfd, err := unix.Open(flat, unix.O_DIRECTORY|unix.O_RDONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer unix.Close(dfd)
	for i := range n {
		fd, err := unix.Openat(dfd, fmt.Sprintf("f%07d", i), unix.O_CREAT|unix.O_WRONLY|unix.O_EXCL, 0o644)
		if err != nil {
			b.Fatal(err)
		}
		var st unix.Stat_t
		unix.Fstat(fd, &st)
		m := &Meta{ETag: `"d41d8cd98f00b204e9800998ecf8427e"`, Stamp: stampOf(&st)}
		if meta {
			if err := unix.Fsetxattr(fd, metaXattr, encodeMeta(m), 0); err != nil {
				b.Fatal(err)
			}
		}
		unix.Close(fd)
	}
}

// BenchmarkListPageFlat lists one 1,000-key page from the middle of a
// flat directory of 1k, 100k and 300k files, as a non-root identity. Per
// page CPU and allocations should not grow with the directory.
func BenchmarkListPageFlat(b *testing.B) {
	needRoot(b)
	for _, n := range []int{1000, 100_000, 300_000} {
		b.Run(fmt.Sprintf("files=%d", n), func(b *testing.B) {
			r, dir := newRoot(b, Options{NoFsync: true, Enforce: Kernel})
			makeFlat(b, dir, n, true)
			benchSettle(b)
			f := r.As(alice)
			after := "flat/" // the first page of 1k, a middle page of more
			if n > 1000 {
				after = fmt.Sprintf("flat/f%07d", n/2)
			}
			for b.Loop() {
				got := 0
				err := f.Walk(ctx, benchPage(after), func(e Entry) error {
					if got++; got == 1000 {
						return ErrStopWalk
					}
					return nil
				})
				if err != nil || got != 1000 {
					b.Fatal(got, err)
				}
			}
		})
	}
}

// BenchmarkListPageBesideS3 lists one 1,000-key page of files written
// beside S3 (no Meta), settled: each costs fstatat, getxattr (ENODATA)
// and a second fstatat, where it took statPinned's five syscalls.
func BenchmarkListPageBesideS3(b *testing.B) { benchListPage(b, false) }

// BenchmarkListPageThroughS3 lists one 1,000-key page of settled files
// written through S3 (with Meta): each costs an fstatat and, unless the
// Meta cache holds it, a getxattr and a decode.
func BenchmarkListPageThroughS3(b *testing.B) { benchListPage(b, true) }

// benchListPage walks one 1,000-key page of 10,000 settled files as alice;
// withMeta makes them as S3 would and checks every entry carries its Meta.
func benchListPage(b *testing.B, withMeta bool) {
	needRoot(b)
	r, dir := newRoot(b, Options{NoFsync: true, Enforce: Kernel})
	makeFlat(b, dir, 10_000, withMeta)
	benchSettle(b)
	f := r.As(alice)
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		got := 0
		err := f.Walk(ctx, benchPage("flat/f0005000"), func(e Entry) error {
			if withMeta && e.Info.Meta == nil {
				b.Fatal(e.Key, "listed without Meta")
			}
			if got++; got == 1000 {
				return ErrStopWalk
			}
			return nil
		})
		if err != nil || got != 1000 {
			b.Fatal(got, err)
		}
	}
}

// reportCPU reports the process's CPU time (user+system, all threads, GC
// included) per op: on a shared machine ns/op also counts waiting for
// a core. Call as defer reportCPU(b)() before b.Loop.
func reportCPU(b *testing.B) func() {
	start := processCPU()
	return func() { b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op") }
}

func processCPU() time.Duration {
	var ru unix.Rusage
	unix.Getrusage(unix.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
