package s3api

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
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
