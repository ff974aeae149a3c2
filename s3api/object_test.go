package s3api

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

func md5b64(s string) string {
	sum := md5.Sum([]byte(s))
	return base64.StdEncoding.EncodeToString(sum[:])
}

func TestPutGetHeadDelete(t *testing.T) {
	e := newEnv(t)
	r := e.put("dir/sub/hello.txt", "hello, world", "Content-Type: text/plain", "x-amz-meta-Color: blue",
		"Cache-Control: no-cache", "Content-Encoding: aws-chunked,x-custom")
	if got, want := r.header.Get("ETag"), `"`+md5hex("hello, world")+`"`; got != want {
		t.Fatalf("PUT ETag %s, want %s", got, want)
	}
	if r.header.Get("x-amz-server-side-encryption") != "aws:fsx" {
		t.Errorf("PUT lacks SSE-FSX: %v", r.header)
	}
	b, err := os.ReadFile(filepath.Join(e.vol, "dir/sub/hello.txt"))
	if err != nil || string(b) != "hello, world" {
		t.Fatalf("file on disk: %q %v", b, err)
	}
	g := e.get("dir/sub/hello.txt")
	g.expect(t, 200, "")
	checks := map[string]string{
		"Content-Type": "text/plain", "X-Amz-Meta-Color": "blue", "Cache-Control": "no-cache",
		"Content-Encoding": "x-custom", "Content-Length": "12", "ETag": `"` + md5hex("hello, world") + `"`,
		"X-Amz-Storage-Class": "FSX_OPENZFS", "X-Amz-Server-Side-Encryption": "aws:fsx", "Accept-Ranges": "bytes",
	}
	for k, v := range checks {
		if got := g.header.Get(k); got != v {
			t.Errorf("GET %s = %q, want %q", k, got, v)
		}
	}
	if g.body != "hello, world" {
		t.Errorf("GET body %q", g.body)
	}
	h := e.do("HEAD", "/"+testAlias+"/dir/sub/hello.txt", nil)
	if h.status != 200 || h.body != "" || h.header.Get("Content-Length") != "12" {
		t.Errorf("HEAD: %d %q %v", h.status, h.body, h.header)
	}
	e.do("DELETE", "/"+testAlias+"/dir/sub/hello.txt", nil).expect(t, 204, "")
	e.get("dir/sub/hello.txt").expect(t, 404, "NoSuchKey")
	e.do("HEAD", "/"+testAlias+"/dir/sub/hello.txt", nil).expect(t, 404, "")
	e.do("DELETE", "/"+testAlias+"/dir/sub/hello.txt", nil).expect(t, 204, "")
	if _, err := os.Stat(filepath.Join(e.vol, "dir")); !os.IsNotExist(err) {
		t.Errorf("implicit directories not pruned: %v", err)
	}
}

func TestAddressing(t *testing.T) {
	e := newEnv(t)
	e.put("k", "v")
	port := e.srv.URL[strings.LastIndexByte(e.srv.URL, ':'):]
	for _, c := range []struct {
		name, path, host string
		status           int
	}{
		{"path-style", "/" + testAlias + "/k", "", 200},
		{"virtual-hosted", "/k", testAlias + ".s3.test" + port, 200},
		{"virtual-hosted upper case", "/k", strings.ToUpper(testAlias) + ".S3.TEST", 200},
		{"arn host", "/k", testName + "-" + testAccount + ".127.0.0.1" + port, 200},
		{"arn host, any domain", "/k", testName + "-" + testAccount + ".s3-accesspoint.us-west-2.amazonaws.com", 200},
		{"arn host, other account", "/k", testName + "-999999999999.localhost", 404},
		{"unknown alias", "/nope-abc-ext-s3alias/k", "", 404},
		{"unknown domain falls back to path-style", "/" + testAlias + "/k", "other.example.com", 200},
	} {
		t.Run(c.name, func(t *testing.T) {
			var hs []string
			if c.host != "" {
				hs = append(hs, "Host: "+c.host)
			}
			r := e.do("GET", c.path, nil, hs...)
			if r.status != c.status {
				t.Fatalf("status %d, want %d: %s", r.status, c.status, r.body)
			}
			if c.status == 200 && r.body != "v" {
				t.Fatalf("body %q", r.body)
			}
		})
	}
}

func TestRanges(t *testing.T) {
	e := newEnv(t)
	e.put("r", "0123456789")
	for _, c := range []struct {
		rng, body, crange string
		status            int
	}{
		{"bytes=0-3", "0123", "bytes 0-3/10", 206},
		{"bytes=5-", "56789", "bytes 5-9/10", 206},
		{"bytes=-3", "789", "bytes 7-9/10", 206},
		{"bytes=-30", "0123456789", "bytes 0-9/10", 206},
		{"bytes=8-100", "89", "bytes 8-9/10", 206},
		{"bytes=10-", "", "bytes */10", 416},
		{"bytes=-0", "", "bytes */10", 416},
		{"bytes=5-2", "0123456789", "", 200},
		{"bytes=0-1,3-4", "0123456789", "", 200},
		{"items=0-1", "0123456789", "", 200},
	} {
		r := e.get("r", "Range: "+c.rng)
		body := r.body
		if r.status == 416 {
			body = ""
			if r.code() != "InvalidRange" || !strings.Contains(r.body, "<ActualObjectSize>10</ActualObjectSize>") ||
				!strings.Contains(r.body, "<RangeRequested>"+c.rng+"</RangeRequested>") {
				t.Errorf("%s: error body %s", c.rng, r.body)
			}
		}
		if r.status != c.status || body != c.body || r.header.Get("Content-Range") != c.crange {
			t.Errorf("%s: got %d %q %q, want %d %q %q", c.rng, r.status, body, r.header.Get("Content-Range"), c.status, c.body, c.crange)
		}
	}
}

func TestConditionalGet(t *testing.T) {
	e := newEnv(t)
	etag := `"` + md5hex("x") + `"`
	e.put("c", "x")
	past, future := "Mon, 01 Jan 2001 00:00:00 GMT", "Fri, 01 Jan 2100 00:00:00 GMT"
	for _, c := range []struct {
		name    string
		headers []string
		status  int
	}{
		{"if-match ok", []string{"If-Match: " + etag}, 200},
		{"if-match star", []string{"If-Match: *"}, 200},
		{"if-match unquoted", []string{"If-Match: " + md5hex("x")}, 200},
		{"if-match in list", []string{`If-Match: "zzz", ` + etag}, 200},
		{"if-match fails", []string{`If-Match: "zzz"`}, 412},
		{"if-none-match hit", []string{"If-None-Match: " + etag}, 304},
		{"if-none-match miss", []string{`If-None-Match: "zzz"`}, 200},
		{"modified since past", []string{"If-Modified-Since: " + past}, 200},
		{"not modified since now", []string{"If-Modified-Since: " + time.Now().UTC().Format(http.TimeFormat)}, 304},
		// a date later than now is no valid date: ignored, as S3 does
		{"modified since future ignored", []string{"If-Modified-Since: " + future}, 200},
		{"unmodified since past", []string{"If-Unmodified-Since: " + past}, 412},
		{"unmodified since future", []string{"If-Unmodified-Since: " + future}, 200},
		// S3's precedence: a true If-Match wins over a false If-Unmodified-Since,
		{"if-match beats unmodified-since", []string{"If-Match: " + etag, "If-Unmodified-Since: " + past}, 200},
		// and a false If-None-Match (a match) decides over If-Modified-Since.
		{"if-none-match beats modified-since", []string{"If-None-Match: " + etag, "If-Modified-Since: " + past}, 304},
		{"if-none-match miss ignores modified-since", []string{`If-None-Match: "zzz"`, "If-Modified-Since: " + future}, 200},
		{"bad date ignored", []string{"If-Modified-Since: yesterday"}, 200},
	} {
		r := e.get("c", c.headers...)
		if r.status != c.status {
			t.Errorf("%s: status %d, want %d", c.name, r.status, c.status)
		}
		if c.status == 304 && (r.body != "" || r.header.Get("ETag") != etag) {
			t.Errorf("%s: 304 with body %q, ETag %q", c.name, r.body, r.header.Get("ETag"))
		}
		if c.status == 412 && r.code() != "PreconditionFailed" {
			t.Errorf("%s: %s", c.name, r.body)
		}
	}
}

func TestResponseOverrides(t *testing.T) {
	e := newEnv(t)
	e.put("o", "x", "Content-Type: text/plain")
	r := e.get("o?response-content-type=image/png&response-content-disposition=attachment&response-cache-control=max-age%3D1")
	for k, v := range map[string]string{"Content-Type": "image/png", "Content-Disposition": "attachment", "Cache-Control": "max-age=1"} {
		if got := r.header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
}

func TestETagNeverStale(t *testing.T) {
	e := newEnv(t)
	e.put("f", "first")
	path := filepath.Join(e.vol, "f")
	if err := os.WriteFile(path, []byte("changed beside S3"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := e.get("f")
	if r.body != "changed beside S3" || r.header.Get("ETag") == `"`+md5hex("first")+`"` {
		t.Fatalf("stale object: %q ETag %s", r.body, r.header.Get("ETag"))
	}
	// A file created beside S3 is an object too.
	os.WriteFile(filepath.Join(e.vol, "beside"), []byte("b"), 0o644)
	g := e.get("beside")
	g.expect(t, 200, "")
	if g.header.Get("Content-Type") != defaultContentType || g.header.Get("ETag") == "" {
		t.Errorf("beside: %v", g.header)
	}
}

func TestPartNumberGet(t *testing.T) {
	e := newEnv(t)
	e.put("single", "abc")
	// S3 answers a part as a range, even the one part of an object.
	r := e.get("single?partNumber=1")
	if r.status != 206 || r.body != "abc" || r.header.Get("Content-Range") != "bytes 0-2/3" || r.header.Get("X-Amz-Mp-Parts-Count") != "" {
		t.Errorf("partNumber=1 of a single-part object: %d %q %v", r.status, r.body, r.header)
	}
	if h := e.do("HEAD", "/"+testAlias+"/single?partNumber=1", nil); h.status != 206 || h.header.Get("Content-Range") != "bytes 0-2/3" {
		t.Errorf("HEAD partNumber=1: %d %v", h.status, h.header)
	}
	e.put("empty", "")
	if r := e.get("empty?partNumber=1"); r.status != 200 || r.header.Get("Content-Range") != "" {
		t.Errorf("partNumber=1 of an empty object: %d %v", r.status, r.header)
	}
	e.get("single?partNumber=2").expect(t, 416, "InvalidPartNumber")
	e.get("single?partNumber=0").expect(t, 400, "InvalidArgument")
	e.get("single?partNumber=1", "Range: bytes=0-1").expect(t, 400, "InvalidRequest")
}
