package reap

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// What a write pays for the retry: reap.Write against the write alone
// (go test ./internal/reap -run '^$' -bench Write).
func BenchmarkWrite(b *testing.B) {
	f, err := os.Create(filepath.Join(b.TempDir(), "f"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 256<<10)
	write := func(p []byte) (int, error) { return unix.Pwrite(int(f.Fd()), p, 0) }
	for _, bc := range []struct {
		name string
		do   func() (int, error)
	}{
		{"direct", func() (int, error) { return write(buf) }},
		{"reap", func() (int, error) { return Write(buf, write) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(buf)))
			for b.Loop() {
				if _, err := bc.do(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// What replacing a large file costs the writer: the unlink that frees
// it inline, against Pin, unlink and Put (the free on closeAll's
// goroutine). The files are sparse, so this is the hand-off's cost, not
// the device's discard (go test ./internal/reap -run '^$' -bench Replace).
func BenchmarkReplace(b *testing.B) {
	dir := b.TempDir()
	dirfd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer unix.Close(dirfd)
	for _, bc := range []struct {
		name     string
		deferred bool
	}{{"inline", false}, {"deferred", true}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				fd, err := unix.Openat(dirfd, "old", unix.O_CREAT|unix.O_WRONLY|unix.O_CLOEXEC, 0o644)
				if err == nil {
					err = unix.Ftruncate(fd, Min)
					unix.Close(fd)
				}
				if err != nil {
					b.Fatal(err)
				}
				pin := -1
				if bc.deferred {
					pin = Pin(dirfd, "old", true, Min)
				}
				if err := unix.Unlinkat(dirfd, "old", 0); err != nil {
					b.Fatal(err)
				}
				Put(pin)
			}
			Drain()
		})
	}
}
