package s3api

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPutErrors(t *testing.T) {
	e := newEnv(t)
	long := strings.Repeat("a", 1025)
	for _, c := range []struct {
		name, key, body string
		headers         []string
		status          int
		code            string
	}{
		{"key too long", long, "x", nil, 400, "KeyTooLongError"},
		{"dot segment", "a/../b", "x", nil, 400, "InvalidArgument"},
		{"empty segment", "a//b", "x", nil, 400, "InvalidArgument"},
		{"bad md5", "k", "x", []string{"Content-MD5: nope"}, 400, "InvalidDigest"},
		{"wrong md5", "k", "x", []string{"Content-MD5: " + md5b64("y")}, 400, "BadDigest"},
		{"bad crc32", "k", "x", []string{"x-amz-checksum-crc32: AAAA"}, 400, "InvalidRequest"},
		{"wrong crc32", "k", "x", []string{"x-amz-checksum-crc32: AAAAAA=="}, 400, "BadDigest"},
		{"two checksums", "k", "x", []string{"x-amz-checksum-crc32: AAAAAA==", "x-amz-checksum-crc32c: AAAAAA=="}, 400, "InvalidRequest"},
		{"sdk algorithm without value", "k", "x", []string{"x-amz-sdk-checksum-algorithm: CRC32"}, 400, "InvalidRequest"},
		{"kms", "k", "x", []string{"x-amz-server-side-encryption: aws:kms"}, 400, "InvalidArgument"},
		{"sse-c", "k", "x", []string{"x-amz-server-side-encryption-customer-algorithm: AES256"}, 400, "InvalidArgument"},
		{"storage class", "k", "x", []string{"x-amz-storage-class: GLACIER"}, 400, "InvalidStorageClass"},
		{"storage class deep archive", "k", "x", []string{"x-amz-storage-class: DEEP_ARCHIVE"}, 400, "InvalidStorageClass"},
		{"storage class standard", "k", "x", []string{"x-amz-storage-class: STANDARD"}, 200, ""},
		{"sse aes256", "k", "x", []string{"x-amz-server-side-encryption: AES256"}, 200, ""},
		{"acl grant", "k", "x", []string{"x-amz-grant-read: id=x"}, 501, "NotImplemented"},
		{"conditional write", "k", "x", []string{"If-None-Match: *"}, 501, "NotImplemented"},
		{"too many tags", "k", "x", []string{"x-amz-tagging: a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9&j=10&k=11"}, 400, "InvalidTag"},
		{"aws tag", "k", "x", []string{"x-amz-tagging: aws:x=1"}, 400, "InvalidTag"},
		{"dir with body", "d/", "x", nil, 400, "InvalidRequest"},
		{"other owner", "k", "x", []string{"x-amz-expected-bucket-owner: 999999999999"}, 403, "AccessDenied"},
		{"metadata too large", "k", "x", []string{"x-amz-meta-big: " + strings.Repeat("v", 2100)}, 400, "MetadataTooLarge"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e.do("PUT", "/"+testAlias+"/"+c.key, strings.NewReader(c.body), c.headers...).expect(t, c.status, c.code)
		})
	}
}

// TestBadDigestNamesDigests: a Content-MD5 that does not match names both
// digests as S3 does (docs/decisions.md, "BadDigest's digests"); a wrong
// x-amz-checksum-* names neither.
func TestBadDigestNamesDigests(t *testing.T) {
	e := newEnv(t)
	id := e.createUpload("k")
	del := "<Delete><Object><Key>k</Key></Object></Delete>"
	wrongMD5 := "Content-MD5: " + md5b64("y")
	for _, c := range []struct {
		op, method, path, body, header string
		expected, calculated           string
	}{
		{"PutObject", "PUT", "/k", "x", wrongMD5, md5hex("y"), md5b64("x")},
		{"UploadPart", "PUT", "/k?partNumber=1&uploadId=" + id, "x", wrongMD5, md5hex("y"), md5b64("x")},
		{"DeleteObjects", "POST", "?delete", del, wrongMD5, md5b64("y"), md5b64(del)},
		{"PutObject crc32", "PUT", "/k", "x", "x-amz-checksum-crc32: AAAAAA==", "", ""},
		{"UploadPart crc32", "PUT", "/k?partNumber=1&uploadId=" + id, "x", "x-amz-checksum-crc32: AAAAAA==", "", ""},
	} {
		r := e.do(c.method, "/"+testAlias+c.path, strings.NewReader(c.body), c.header)
		if r.status != 400 || r.code() != "BadDigest" ||
			r.elem("ExpectedDigest") != c.expected || r.elem("CalculatedDigest") != c.calculated {
			t.Errorf("%s: %d %s\nwant ExpectedDigest %q, CalculatedDigest %q", c.op, r.status, r.body, c.expected, c.calculated)
		}
	}
	golden(t, "error-baddigest.xml", e.do("PUT", "/"+testAlias+"/k", strings.NewReader("x"), wrongMD5).body)
}

func TestPutChecksums(t *testing.T) {
	e := newEnv(t)
	// CRC32 of "hello" is 0x3610a686.
	r := e.put("k", "hello", "x-amz-checksum-crc32: NhCmhg==", "Content-MD5: "+md5b64("hello"))
	if r.header.Get("x-amz-checksum-crc32") != "NhCmhg==" || r.header.Get("x-amz-checksum-type") != "FULL_OBJECT" {
		t.Fatalf("PUT reply: %v", r.header)
	}
	g := e.get("k", "x-amz-checksum-mode: ENABLED")
	if g.header.Get("x-amz-checksum-crc32") != "NhCmhg==" {
		t.Errorf("GET with checksum mode: %v", g.header)
	}
	if e.get("k").header.Get("x-amz-checksum-crc32") != "" {
		t.Errorf("checksum reported without x-amz-checksum-mode")
	}
	if e.get("k", "x-amz-checksum-mode: ENABLED", "Range: bytes=0-1").header.Get("x-amz-checksum-crc32") != "" {
		t.Errorf("checksum reported for a range")
	}
}

func TestDirectoryObjects(t *testing.T) {
	e := newEnv(t)
	r := e.put("photos/", "")
	if r.header.Get("ETag") != `"`+emptyETag+`"` {
		t.Errorf("dir ETag %s", r.header.Get("ETag"))
	}
	if fi, err := os.Stat(filepath.Join(e.vol, "photos")); err != nil || !fi.IsDir() {
		t.Fatalf("no directory: %v", err)
	}
	g := e.get("photos/")
	if g.status != 200 || g.body != "" || g.header.Get("Content-Length") != "0" {
		t.Errorf("GET dir/: %d %q", g.status, g.body)
	}
	e.get("photos").expect(t, 404, "NoSuchKey")
	e.put("photos/a.jpg", "jpg")
	e.do("DELETE", "/"+testAlias+"/photos/", nil).expect(t, 400, "InvalidRequest")
	e.do("DELETE", "/"+testAlias+"/photos/a.jpg", nil).expect(t, 204, "")
	e.do("DELETE", "/"+testAlias+"/photos/", nil).expect(t, 204, "")
	if _, err := os.Stat(filepath.Join(e.vol, "photos")); !os.IsNotExist(err) {
		t.Errorf("directory object not removed: %v", err)
	}
	// A file where a directory would have to be.
	e.put("file", "x")
	e.do("PUT", "/"+testAlias+"/file/below", strings.NewReader("y")).expect(t, 400, "InvalidRequest")
	e.get("file/below").expect(t, 404, "NoSuchKey")
}

func TestExtensionsConditionalWrite(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Extensions = true })
	e.put("k", "one", "If-None-Match: *")
	e.do("PUT", "/"+testAlias+"/k", strings.NewReader("two"), "If-None-Match: *").expect(t, 412, "PreconditionFailed")
	e.do("PUT", "/"+testAlias+"/k", strings.NewReader("two"), `If-Match: "nope"`).expect(t, 412, "PreconditionFailed")
	e.put("k", "two", "If-Match: "+`"`+md5hex("one")+`"`)
	e.do("PUT", "/"+testAlias+"/missing", strings.NewReader("x"), `If-Match: "x"`).expect(t, 404, "NoSuchKey")
	if g := e.get("k"); g.body != "two" {
		t.Errorf("body %q", g.body)
	}
}

func TestMissingContentLength(t *testing.T) {
	e := newEnv(t)
	// HTTP/1.1 chunked is accepted: the length is learnt at the end.
	req, _ := http.NewRequest("PUT", e.srv.URL+"/"+testAlias+"/chunked", struct{ *strings.Reader }{strings.NewReader("abc")})
	req.ContentLength = -1
	res, err := e.srv.Client().Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("chunked PUT: %v %v", res, err)
	}
	res.Body.Close()
	if e.get("chunked").body != "abc" {
		t.Error("chunked body lost")
	}
}

func TestMissingContentLengthUnknown(t *testing.T) {
	e := newEnv(t)
	// HTTP/2 without a length, say: no Content-Length, no chunking.
	r := httptest.NewRequest("PUT", "/"+testAlias+"/k", strings.NewReader("abc"))
	r.ContentLength = -1
	w := httptest.NewRecorder()
	e.h.Serve(w, r)
	if w.Code != 411 || !strings.Contains(w.Body.String(), "MissingContentLength") {
		t.Errorf("%d %s", w.Code, w.Body)
	}
}

func TestMissingContentLengthHTTP1(t *testing.T) {
	e := newEnv(t)
	// Neither Content-Length nor Transfer-Encoding: not an empty body.
	r := httptest.NewRequest("PUT", "/"+testAlias+"/k", nil)
	w := httptest.NewRecorder()
	e.h.Serve(w, r)
	if w.Code != 411 || !strings.Contains(w.Body.String(), "MissingContentLength") {
		t.Errorf("no length: %d %s", w.Code, w.Body)
	}
	r = httptest.NewRequest("PUT", "/"+testAlias+"/k", nil)
	r.Header.Set("Content-Length", "0")
	w = httptest.NewRecorder()
	e.h.Serve(w, r)
	if w.Code != 200 {
		t.Errorf("Content-Length: 0: %d %s", w.Code, w.Body)
	}
}

func TestEntityTooLarge(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxObjectSize = 4 })
	r := e.do("PUT", "/"+testAlias+"/big", strings.NewReader("12345"))
	r.expect(t, 400, "EntityTooLarge")
	if !strings.Contains(r.body, "<ProposedSize>5</ProposedSize>") || !strings.Contains(r.body, "<MaxSizeAllowed>4</MaxSizeAllowed>") {
		t.Errorf("body: %s", r.body)
	}
	if _, err := os.Stat(filepath.Join(e.vol, "big")); !os.IsNotExist(err) {
		t.Error("a refused PUT left a file")
	}
}
