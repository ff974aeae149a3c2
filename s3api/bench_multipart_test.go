package s3api

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
)

// BenchmarkMultipart is one upload of 8 parts of 8 MiB, sent 8 at a time
// (unsigned), then completed, through the Handler: the server's CPU per
// GiB (cpu-s/GiB), with parts written in place and the slot file adopted
// at Complete ("slots"), and with slots off, each part a file copied at
// Complete ("copy"). The volume does not fsync; the staged parts do.
func BenchmarkMultipart(b *testing.B) {
	const parts, size = 8, 8 << 20
	data := bytes.Repeat([]byte("0123456789abcdef"), size/16)
	for _, slots := range []bool{true, false} {
		b.Run(map[bool]string{true: "slots", false: "copy"}[slots], func(b *testing.B) {
			e := newEnv(b)
			if !slots {
				e.ap.Uploads.SlotMin = 0
			}
			b.SetBytes(parts * size)
			defer reportCPU(b, parts*size)()
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
