package s3api

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// BenchmarkGetLoopback is GET of a whole object over loopback TCP, 8 at a
// time, server and client in this process as in fsxdbench's get cases:
// cpu-s/GiB is what the transfer costs the machine (server, client and
// the kernel between them), which bounds those cases on two shared cores.
// "fsxd" is the Handler (a loopback client: up to 1 MiB copied in one
// write, 4 MiB sendfile'd, 64 MiB copied in 256 KiB pieces); "sendfile" serves the same file as GET does for a remote
// client, and did for every client before round 5 (io.Copy from the
// *os.File: net/http's sendfile); "memory" writes it from memory in
// 1 MiB pieces, as the bench stub does.
func BenchmarkGetLoopback(b *testing.B) {
	for _, size := range []int{256 << 10, 1 << 20, 4 << 20, 64 << 20} {
		b.Run(sizeLabel(size), func(b *testing.B) { benchGetLoopback(b, size) })
	}
}

func benchGetLoopback(b *testing.B, size int) {
	const conc = 8
	data := []byte(strings.Repeat("0123456789abcdef", size/16))
	e := newEnv(b)
	e.put("big", string(data))
	file := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, err := os.Open(filepath.Join(e.vol, "big"))
		if err != nil {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		defer f.Close()
		w.Header().Set("Content-Length", strconv.Itoa(size))
		io.Copy(w, f)
	}))
	defer file.Close()
	mem := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(size))
		for p := data; len(p) > 0; p = p[min(len(p), 1<<20):] {
			if _, err := w.Write(p[:min(len(p), 1<<20)]); err != nil {
				return
			}
		}
	}))
	defer mem.Close()
	for _, t := range []struct{ name, url string }{
		{"fsxd", e.srv.URL + "/" + testAlias + "/big"},
		{"sendfile", file.URL},
		{"memory", mem.URL},
	} {
		b.Run(t.name, func(b *testing.B) {
			c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conc}}
			defer c.CloseIdleConnections()
			b.SetBytes(int64(size * conc))
			defer reportCPU(b, size*conc)()
			for b.Loop() {
				var wg sync.WaitGroup
				for range conc {
					wg.Go(func() { getDiscard(b, c, t.url, int64(size)) })
				}
				wg.Wait()
			}
		})
	}
}

var discardBufs = sync.Pool{New: func() any { return new([256 << 10]byte) }}

// getDiscard reads url's body as fsxdbench's client does: 256 KiB reads,
// discarded.
func getDiscard(b *testing.B, c *http.Client, url string, size int64) {
	res, err := c.Get(url)
	if err != nil {
		b.Error(err)
		return
	}
	defer res.Body.Close()
	buf := discardBufs.Get().(*[256 << 10]byte)
	defer discardBufs.Put(buf)
	n, err := io.CopyBuffer(struct{ io.Writer }{io.Discard}, res.Body, buf[:])
	if err != nil || n != size || res.StatusCode != http.StatusOK {
		b.Error(res.StatusCode, n, err)
	}
}
