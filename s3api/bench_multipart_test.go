package s3api

import (
	"bytes"
	"fmt"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fsxd/fsxd/volume"
)

// BenchmarkMultipart is one upload of 8 parts of 8 MiB, sent 8 at a time
// (unsigned), then completed, through the Handler: the server's CPU per
// GiB (cpu-s/GiB), with parts written in place and the slot file adopted
// at Complete ("slots"), and with slots off, each part a file copied at
// Complete ("copy"). Writes are durable, as fsxd's by default: the fsync
// at Complete writes back what the copy wrote, in this process.
func BenchmarkMultipart(b *testing.B) {
	const parts, size = 8, 8 << 20
	data := bytes.Repeat([]byte("0123456789abcdef"), size/16)
	for _, slots := range []bool{true, false} {
		b.Run(map[bool]string{true: "slots", false: "copy"}[slots], func(b *testing.B) {
			e := newEnv(b)
			durable(b, e)
			if !slots {
				e.ap.Uploads.SlotMin = 0
			}
			b.SetBytes(parts * size)
			defer reportCPU(b, parts*size)()
			defer reportSys(b, parts*size)()
			for b.Loop() {
				benchUpload(b, e, parts, data)
			}
		})
	}
}

func benchUpload(b *testing.B, e *env, parts int, data []byte) {
	id := e.createUpload("mp/obj")
	etags := make([]string, parts)
	var wg sync.WaitGroup
	for i := range parts {
		wg.Go(func() {
			r := e.do("PUT", fmt.Sprintf("/%s/mp/obj?partNumber=%d&uploadId=%s", testAlias, i+1, id), bytes.NewReader(data))
			if r.status != 200 {
				b.Error(r.status, r.body)
			}
			etags[i] = r.header.Get("ETag")
		})
	}
	wg.Wait()
	e.complete("mp/obj", id, completeBody(etags...)).expect(b, 200, "")
}

// reportSys reports the kernel's share of reportCPU: where the copy at
// Complete, the page-cache writes and the syncs are.
func reportSys(b *testing.B, size int) func() {
	sys := func() time.Duration {
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Stime.Nano())
	}
	s0 := sys()
	return func() {
		gib := float64(b.N) * float64(size) / (1 << 30)
		b.ReportMetric((sys()-s0).Seconds()/gib, "sys-s/GiB")
	}
}

// durable gives e's access point a volume that fsyncs.
func durable(b *testing.B, e *env) {
	root, err := volume.OpenRoot(e.vol, volume.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { root.Close() })
	e.ap.Root = root
}
