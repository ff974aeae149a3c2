package volume

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fsxd/fsxd"
)

// BenchmarkPutOverwrite is the bench's put-4KiB without HTTP: 4 KiB
// replacing one of 64 keys of a directory, durable or not, as root (no
// credential switch) and as a user. It reports CPU per PUT (user+system,
// all threads: the kernel's share dominates) and allocations; `strace -f
// -c` of a run gives the syscalls per PUT.
func BenchmarkPutOverwrite(b *testing.B) {
	for _, c := range []struct {
		name string
		id   fsxd.PosixIdentity
		opts Options
	}{
		{"root/durable", rootID, Options{}},
		{"root/nofsync", rootID, Options{NoFsync: true}},
		{"user/nofsync", alice, Options{NoFsync: true}},
	} {
		b.Run(c.name, func(b *testing.B) {
			needRoot(b)
			c.opts.Enforce = Kernel
			r, _ := newRoot(b, c.opts)
			f := r.As(c.id)
			body := strings.Repeat("x", 4096)
			keys := make([]string, 64)
			for i := range keys {
				keys[i] = fmt.Sprintf("d/k%02d", i)
				mustPut(b, f, keys[i], body)
			}
			b.ReportAllocs()
			c0, i := cpuTime(), 0
			for b.Loop() {
				mustPut(b, f, keys[i%len(keys)], body)
				i++
			}
			b.ReportMetric(float64(cpuTime()-c0)/float64(b.N)/1e3, "cpu-µs/op")
		})
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
