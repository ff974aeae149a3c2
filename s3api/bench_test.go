package s3api

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"
)

// BenchmarkCollect is the listing merge alone: 1,000-key pages over a
// fake walk of 10,000 keys in 100 directories, with and without "/".
func BenchmarkCollect(b *testing.B) {
	keys := make([]string, 0, 10000)
	for d := range 100 {
		for f := range 100 {
			keys = append(keys, fmt.Sprintf("dir%03d/file%03d", d, f))
		}
	}
	walk := fakeWalk(keys)
	for _, delim := range []string{"", "/", "-"} {
		b.Run("delimiter="+delim, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				after := ""
				for {
					pg, err := collect(context.Background(), walk, listQuery{delimiter: delim, after: after, max: 1000})
					if err != nil {
						b.Fatal(err)
					}
					if !pg.truncated {
						break
					}
					after = pg.last
				}
			}
		})
	}
}

// BenchmarkObject4K is a 4 KiB PUT and GET through the Handler and the
// real volume, without the network: the data plane's own cost.
func BenchmarkObject4K(b *testing.B) {
	e := newEnv(b)
	body := strings.Repeat("x", 4096)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { e.h.Serve(w, r) })
	b.Run("PUT", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			r := httptest.NewRequest("PUT", "/"+testAlias+"/bench", strings.NewReader(body))
			w := httptest.NewRecorder()
			h(w, r)
			if w.Code != 200 {
				b.Fatal(w.Code, w.Body)
			}
		}
	})
	b.Run("GET", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			r := httptest.NewRequest("GET", "/"+testAlias+"/bench", nil)
			w := httptest.NewRecorder()
			h(w, r)
			if w.Code != 200 || w.Body.Len() != 4096 {
				b.Fatal(w.Code)
			}
			io.Discard.Write(w.Body.Bytes())
		}
	})
}

// BenchmarkList1000 is one 1,000-key ListObjectsV2 page through the
// Handler and the real volume: walk, metadata and XML.
func BenchmarkList1000(b *testing.B) {
	e := newEnv(b)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { e.h.Serve(w, r) })
	for i := range 1000 {
		r := httptest.NewRequest("PUT", fmt.Sprintf("/%s/l/d%d/obj%04d", testAlias, i/100, i), strings.NewReader(""))
		r.Header.Set("x-amz-checksum-crc32", "AAAAAA==")
		w := httptest.NewRecorder()
		if h(w, r); w.Code != 200 {
			b.Fatal(w.Code, w.Body)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest("GET", "/"+testAlias+"?list-type=2&prefix=l/", nil)
		w := httptest.NewRecorder()
		if h(w, r); w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}

// BenchmarkList10k is the bench tool's list-10k case through the Handler,
// without the network or SigV4: a full listing of 10,000 settled objects
// in 100 directories, ten 1,000-key pages per op, tokens and all.
func BenchmarkList10k(b *testing.B) {
	e := newEnv(b)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { e.h.Serve(w, r) })
	for i := range 10_000 {
		r := httptest.NewRequest("PUT", fmt.Sprintf("/%s/l/d%02d/e%02d/obj%04d", testAlias, i/1000, i/100%10, i%100), strings.NewReader(""))
		w := httptest.NewRecorder()
		if h(w, r); w.Code != 200 {
			b.Fatal(w.Code, w.Body)
		}
	}
	time.Sleep(2100 * time.Millisecond) // settled: the listing and Meta caches serve
	b.ReportAllocs()
	c0, u0 := processCPU(), processUserCPU()
	for b.Loop() {
		if n := listAllPages(b, h, "l/"); n != 10_000 {
			b.Fatal("listed", n)
		}
	}
	b.ReportMetric(float64(processCPU()-c0)/float64(b.N), "cpu-ns/op")
	// User CPU apart: the system calls' share swings with the machine's load.
	b.ReportMetric(float64(processUserCPU()-u0)/float64(b.N), "user-ns/op")
}

func processUserCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano())
}

// listAllPages lists prefix in 1,000-key pages and counts the keys.
func listAllPages(b *testing.B, h http.HandlerFunc, prefix string) int {
	var res struct {
		KeyCount  int    `xml:"KeyCount"`
		NextToken string `xml:"NextContinuationToken"`
	}
	n, tok := 0, ""
	for {
		q := "/" + testAlias + "?list-type=2&prefix=" + prefix
		if tok != "" {
			q += "&continuation-token=" + url.QueryEscape(tok)
		}
		w := &headWriter{h: http.Header{}}
		if h(w, httptest.NewRequest("GET", q, nil)); w.code != 200 {
			b.Fatal(w.code, string(w.head))
		}
		// Only the page's counters are parsed: the client's cost is not
		// the server's.
		body := w.head
		res.KeyCount, res.NextToken = 0, ""
		if i := bytes.Index(body, []byte("<Contents>")); i > 0 {
			body = body[:i]
		}
		if err := xml.Unmarshal(append(body, "</ListBucketResult>"...), &res); err != nil {
			b.Fatal(err)
		}
		n += res.KeyCount
		if tok = res.NextToken; tok == "" {
			return n
		}
	}
}

// headWriter keeps a response's status and the start of its body, so
// that a benchmark does not count a recorder's buffer growth.
type headWriter struct {
	h    http.Header
	code int
	head []byte
}

func (w *headWriter) Header() http.Header  { return w.h }
func (w *headWriter) WriteHeader(code int) { w.code = code }

func (w *headWriter) Write(p []byte) (int, error) {
	if w.code == 0 {
		w.code = 200
	}
	if n := 4096 - len(w.head); n > 0 {
		w.head = append(w.head, p[:min(n, len(p))]...)
	}
	return len(p), nil
}
