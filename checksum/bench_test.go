package checksum

import (
	"fmt"
	"sync"
	"syscall"
	"testing"
	"time"
)

// BenchmarkHasher compares hashing in place ("serial") with fanning the
// extra hashes out to other cores ("parallel"), for small writes (a 4 KiB
// PUT), io.Copy-sized writes and large writes.
func BenchmarkHasher(b *testing.B) {
	sets := []struct {
		name string
		o    Options
	}{
		{"md5", Options{}},
		{"md5+crc32c+sha256", Options{Algorithms: []Algorithm{CRC32C, SHA256}}},
		{"md5+crc64nvme", Options{Algorithms: []Algorithm{CRC64NVME}}},
		// A PUT signed with a hex x-amz-content-sha256 (the SDK over HTTP).
		{"md5+payloadsha256", Options{ContentSHA256: true}},
	}
	writes := []struct {
		name        string
		write, body int
	}{
		{"4KiB", 4 << 10, 4 << 10},
		{"32KiBx8MiB", 32 << 10, 8 << 20},
		{"256KiBx1MiB", 256 << 10, 1 << 20}, // a 1 MiB PUT, as s3api copies it
		{"8MiB", 8 << 20, 8 << 20},
	}
	for _, s := range sets {
		for _, w := range writes {
			for _, serial := range []bool{true, false} {
				mode := map[bool]string{true: "serial", false: "parallel"}[serial]
				b.Run(fmt.Sprintf("%s/%s/%s", s.name, w.name, mode), func(b *testing.B) {
					benchHasher(b, s.o, w.write, w.body, serial)
				})
			}
		}
	}
}

func benchHasher(b *testing.B, o Options, write, body int, serial bool) {
	buf := make([]byte, write)
	b.SetBytes(int64(body))
	b.ReportAllocs()
	o.Size = int64(body) // declared, as a PUT's Content-Length
	c0 := processCPU()
	defer func() {
		// CPU per GiB counts every core: fanning out must not cost much more.
		b.ReportMetric((processCPU()-c0).Seconds()/(float64(b.N)*float64(body)/(1<<30)), "cpu-s/GiB")
	}()
	for b.Loop() {
		h := NewHasher(o)
		h.serial = serial
		for n := 0; n < body; n += write {
			h.Write(buf)
		}
		h.Sum()
	}
}

// BenchmarkWrite4KiB measures Write alone on a long-lived Hasher: small
// writes must not allocate.
func BenchmarkWrite4KiB(b *testing.B) {
	h := NewHasher(Options{Algorithms: []Algorithm{CRC32C, SHA256}})
	h.serial = true
	buf := make([]byte, 4<<10)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		h.Write(buf)
	}
}

func BenchmarkCombineCRC(b *testing.B) {
	parts := make([]PartCRC, 10_000)
	for i := range parts {
		parts[i] = PartCRC{Sum: make([]byte, 8), Len: 8 << 20}
	}
	for b.Loop() {
		CombineCRC(CRC64NVME, parts)
	}
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkMD5Lanes hashes several 8 MiB bodies at once (256 KiB writes,
// as s3api copies a body), with crypto/md5 ("std") or forced into the
// md5-simd lanes ("lanes"). cpu-s/GiB counts every core, so it shows what
// sharing a core's lanes saves, and from how many streams on it pays.
func BenchmarkMD5Lanes(b *testing.B) {
	const body, write = 8 << 20, 256 << 10
	for _, streams := range []int{1, 4, 8, 16} {
		for _, lanes := range []bool{false, true} {
			mode := map[bool]string{false: "std", true: "lanes"}[lanes]
			b.Run(fmt.Sprintf("streams=%d/%s", streams, mode), func(b *testing.B) {
				if lanes {
					withLanes(b, 1, 1)
				} else {
					withLanes(b, 1<<62, 1)
				}
				buf := make([]byte, write)
				b.SetBytes(int64(streams * body))
				b.ReportAllocs()
				c0 := processCPU()
				for b.Loop() {
					var wg sync.WaitGroup
					for range streams {
						wg.Go(func() {
							h := NewHasher(Options{Size: body})
							defer h.Close()
							for n := 0; n < body; n += write {
								h.Write(buf)
							}
							h.Sum()
						})
					}
					wg.Wait()
				}
				b.ReportMetric((processCPU()-c0).Seconds()/(float64(b.N)*float64(streams*body)/(1<<30)), "cpu-s/GiB")
			})
		}
	}
}
