package s3api

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fsxd/fsxd/volume"
)

func (e *env) createUpload(key string, headers ...string) string {
	e.t.Helper()
	r := e.do("POST", "/"+testAlias+"/"+key+"?uploads", nil, headers...)
	r.expect(e.t, 200, "")
	var res struct{ UploadId string }
	if err := xml.Unmarshal([]byte(r.body), &res); err != nil || res.UploadId == "" {
		e.t.Fatalf("CreateMultipartUpload: %v %s", err, r.body)
	}
	return res.UploadId
}

func (e *env) uploadPart(key, id string, n int, data string, headers ...string) string {
	e.t.Helper()
	r := e.do("PUT", fmt.Sprintf("/%s/%s?partNumber=%d&uploadId=%s", testAlias, key, n, id), strings.NewReader(data), headers...)
	r.expect(e.t, 200, "")
	return r.header.Get("ETag")
}

func completeBody(etags ...string) string {
	var b strings.Builder
	b.WriteString(`<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`)
	for i, et := range etags {
		fmt.Fprintf(&b, "<Part><PartNumber>%d</PartNumber><ETag>%s</ETag></Part>", i+1, et)
	}
	b.WriteString("</CompleteMultipartUpload>")
	return b.String()
}

// completeBodyWith lists the parts with their checksums in element tag
// (ChecksumCRC32, ...), as a COMPOSITE upload's Complete must.
func completeBodyWith(tag string, etags, sums []string) string {
	var b strings.Builder
	b.WriteString(`<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`)
	for i, et := range etags {
		fmt.Fprintf(&b, "<Part><PartNumber>%d</PartNumber><ETag>%s</ETag><%s>%s</%s></Part>", i+1, et, tag, sums[i], tag)
	}
	b.WriteString("</CompleteMultipartUpload>")
	return b.String()
}

func crc32B64(s string) string {
	return base64.StdEncoding.EncodeToString(binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE([]byte(s))))
}

func (e *env) complete(key, id, body string, headers ...string) resp {
	e.t.Helper()
	return e.do("POST", "/"+testAlias+"/"+key+"?uploadId="+id, strings.NewReader(body), headers...)
}

func TestMultipartRoundTrip(t *testing.T) {
	e := newEnv(t)
	id := e.createUpload("big/object.bin", "Content-Type: application/x-test", "x-amz-meta-k: v",
		"x-amz-checksum-algorithm: CRC32")
	p1 := strings.Repeat("a", minPartSize)
	p2 := strings.Repeat("b", minPartSize)
	p3 := "tail"
	e1, e2, e3 := e.uploadPart("big/object.bin", id, 1, p1), e.uploadPart("big/object.bin", id, 2, p2), e.uploadPart("big/object.bin", id, 3, p3)
	// Parts live in staging, never in the volume.
	if _, err := os.Stat(filepath.Join(e.vol, "big")); !os.IsNotExist(err) {
		t.Fatalf("parts visible in the volume: %v", err)
	}
	golden(t, "listparts.xml", e.do("GET", "/"+testAlias+"/big/object.bin?uploadId="+id+"&max-parts=2", nil).body)
	golden(t, "listuploads.xml", e.do("GET", "/"+testAlias+"?uploads", nil).body)
	body := completeBodyWith("ChecksumCRC32", []string{e1, e2, e3}, []string{crc32B64(p1), crc32B64(p2), crc32B64(p3)})
	// A COMPOSITE upload's Complete must list every part's checksum.
	e.complete("big/object.bin", id, completeBody(e1, e2, e3)).expect(t, 400, "InvalidRequest")
	adopted := volume.Adopted.Load()
	r := e.complete("big/object.bin", id, body)
	r.expect(t, 200, "")
	if volume.Adopted.Load() == adopted {
		t.Error("the parts were written in place, yet Complete copied them")
	}
	golden(t, "complete.xml", regexp.MustCompile(`127\.0\.0\.1:\d+`).ReplaceAllString(r.body, "HOST"))
	want := multipartETag(p1, p2, p3)
	g := e.get("big/object.bin")
	if g.body != p1+p2+p3 || g.header.Get("ETag") != `"`+want+`"` || g.header.Get("Content-Type") != "application/x-test" || g.header.Get("x-amz-meta-k") != "v" {
		t.Fatalf("GET after complete: len %d ETag %s headers %v", len(g.body), g.header.Get("ETag"), g.header)
	}
	pg := e.get("big/object.bin?partNumber=2")
	if pg.status != 206 || pg.body != p2 || pg.header.Get("x-amz-mp-parts-count") != "3" {
		t.Errorf("partNumber=2: %d len %d %v", pg.status, len(pg.body), pg.header)
	}
	attrs := e.do("GET", "/"+testAlias+"/big/object.bin?attributes", nil,
		"x-amz-object-attributes: ETag,Checksum,ObjectParts,StorageClass,ObjectSize", "x-amz-max-parts: 2")
	golden(t, "attributes.xml", attrs.body)
	// The upload is gone, but a retried Complete gets the first answer;
	// another part list is not a retry.
	e.do("GET", "/"+testAlias+"/big/object.bin?uploadId="+id, nil).expect(t, 404, "NoSuchUpload")
	if again := e.complete("big/object.bin", id, body); again.status != 200 || again.body != r.body {
		t.Errorf("repeated complete: %d %s\nwant %s", again.status, again.body, r.body)
	}
	e.complete("big/object.bin", id, completeBody(e1, e2)).expect(t, 404, "NoSuchUpload")
	e.complete("other", id, completeBody(e1, e2, e3)).expect(t, 404, "NoSuchUpload")
}

func multipartETag(parts ...string) string {
	h := md5.New()
	for _, p := range parts {
		s := md5.Sum([]byte(p))
		h.Write(s[:])
	}
	return hex.EncodeToString(h.Sum(nil)) + fmt.Sprintf("-%d", len(parts))
}

func TestCompleteErrors(t *testing.T) {
	e := newEnv(t)
	id := e.createUpload("k")
	small := e.uploadPart("k", id, 1, "small")
	e2 := e.uploadPart("k", id, 2, "second")
	for _, c := range []struct {
		name, body string
		status     int
		code       string
	}{
		{"empty", "", 400, "MalformedXML"}, // as S3 (ceph s3-tests test_multipart_upload_empty)
		{"not xml", "<nope", 400, "MalformedXML"},
		{"no parts", "<CompleteMultipartUpload></CompleteMultipartUpload>", 400, "MalformedXML"},
		{"wrong etag", completeBody(`"00000000000000000000000000000000"`), 400, "InvalidPart"},
		{"missing part", completeBody(small, e2, `"00000000000000000000000000000000"`), 400, "InvalidPart"},
		{"order", "<CompleteMultipartUpload><Part><PartNumber>2</PartNumber><ETag>" + e2 + "</ETag></Part><Part><PartNumber>1</PartNumber><ETag>" + small + "</ETag></Part></CompleteMultipartUpload>", 400, "InvalidPartOrder"},
		{"too small", completeBody(small, e2), 400, "EntityTooSmall"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e.complete("k", id, c.body).expect(t, c.status, c.code)
		})
	}
	// A single small part is fine: the last part has no minimum.
	e.complete("k", id, completeBody(small)).expect(t, 200, "")
	if e.get("k").body != "small" {
		t.Error("content")
	}
}

func TestUploadPartErrors(t *testing.T) {
	e := newEnv(t)
	id := e.createUpload("k")
	for _, c := range []struct {
		path   string
		status int
		code   string
	}{
		{"/k?partNumber=0&uploadId=" + id, 400, "InvalidArgument"},
		{"/k?partNumber=10001&uploadId=" + id, 400, "InvalidArgument"},
		{"/k?partNumber=1&uploadId=nope", 404, "NoSuchUpload"},
		{"/other?partNumber=1&uploadId=" + id, 404, "NoSuchUpload"},
	} {
		e.do("PUT", "/"+testAlias+c.path, strings.NewReader("x")).expect(t, c.status, c.code)
	}
	e.do("DELETE", "/"+testAlias+"/k?uploadId="+id, nil).expect(t, 204, "")
	e.do("DELETE", "/"+testAlias+"/k?uploadId="+id, nil).expect(t, 404, "NoSuchUpload")
	e.do("POST", "/"+testAlias+"/k?uploads", nil, "x-amz-checksum-algorithm: SHA256", "x-amz-checksum-type: FULL_OBJECT").expect(t, 400, "InvalidRequest")
	e.do("POST", "/"+testAlias+"/k?uploads", nil, "x-amz-checksum-type: COMPOSITE").expect(t, 400, "InvalidRequest")
}

// TestNoSuchUploadNamesUpload: every operation on an upload that does not
// exist, or no longer does, names the id sent in its NoSuchUpload, as S3 does.
func TestNoSuchUploadNamesUpload(t *testing.T) {
	e := newEnv(t)
	e.put("src", "data")
	aborted := e.createUpload("k")
	e.do("DELETE", "/"+testAlias+"/k?uploadId="+aborted, nil).expect(t, 204, "")
	copySrc := "x-amz-copy-source: /" + testAlias + "/src"
	for _, id := range []string{"nope", aborted} {
		for _, c := range []struct {
			op, method, query, body, header string
		}{
			{"UploadPart", "PUT", "partNumber=1&", "x", ""},
			{"UploadPartCopy", "PUT", "partNumber=1&", "", copySrc},
			{"CompleteMultipartUpload", "POST", "", completeBody(`"` + md5hex("x") + `"`), ""},
			{"AbortMultipartUpload", "DELETE", "", "", ""},
			{"ListParts", "GET", "", "", ""},
		} {
			var h []string
			if c.header != "" {
				h = append(h, c.header)
			}
			r := e.do(c.method, "/"+testAlias+"/k?"+c.query+"uploadId="+id, strings.NewReader(c.body), h...)
			if r.status != 404 || r.code() != "NoSuchUpload" || r.elem("UploadId") != id {
				t.Errorf("%s of %s: %d %s", c.op, id, r.status, r.body)
			}
		}
	}
	golden(t, "error-nosuchupload.xml", e.do("GET", "/"+testAlias+"/k?uploadId=nope", nil).body)
}

func TestUploadPartCopy(t *testing.T) {
	e := newEnv(t)
	src := strings.Repeat("0123456789", minPartSize/10+1)
	e.put("src", src)
	id := e.createUpload("dst")
	r := e.do("PUT", "/"+testAlias+"/dst?partNumber=1&uploadId="+id, nil,
		"x-amz-copy-source: /"+testAlias+"/src", "x-amz-copy-source-range: bytes=0-"+fmt.Sprint(minPartSize-1))
	r.expect(t, 200, "")
	var cp struct{ ETag string }
	xml.Unmarshal([]byte(r.body), &cp)
	e2 := e.uploadPart("dst", id, 2, "end")
	adopted := volume.Adopted.Load()
	e.complete("dst", id, completeBody(cp.ETag, e2)).expect(t, 200, "")
	if volume.Adopted.Load() == adopted {
		t.Error("a copied part was not written in place")
	}
	if g := e.get("dst"); g.body != src[:minPartSize]+"end" {
		t.Errorf("assembled object is wrong (len %d)", len(g.body))
	}
	e.do("PUT", "/"+testAlias+"/dst?partNumber=1&uploadId="+e.createUpload("dst"), nil,
		"x-amz-copy-source: /"+testAlias+"/src", "x-amz-copy-source-range: bytes=0-999999999").expect(t, 400, "InvalidArgument")
}

func TestListUploadsPaging(t *testing.T) {
	e := newEnv(t)
	for _, k := range []string{"a/1", "a/2", "b", "c/d/e"} {
		e.createUpload(k)
	}
	r := e.do("GET", "/"+testAlias+"?uploads&delimiter=/&max-uploads=2", nil)
	var res struct {
		IsTruncated    bool
		NextKeyMarker  string
		Keys           []string `xml:"Upload>Key"`
		CommonPrefixes []string `xml:"CommonPrefixes>Prefix"`
	}
	xml.Unmarshal([]byte(r.body), &res)
	if !res.IsTruncated || res.NextKeyMarker != "b" || len(res.Keys) != 1 || len(res.CommonPrefixes) != 1 {
		t.Fatalf("page 1: %+v\n%s", res, r.body)
	}
	r = e.do("GET", "/"+testAlias+"?uploads&delimiter=/&max-uploads=2&key-marker=b", nil)
	res.Keys, res.CommonPrefixes = nil, nil
	xml.Unmarshal([]byte(r.body), &res)
	if res.IsTruncated || len(res.Keys) != 0 || len(res.CommonPrefixes) != 1 || res.CommonPrefixes[0] != "c/" {
		t.Fatalf("page 2: %+v\n%s", res, r.body)
	}
}

func TestExpire(t *testing.T) {
	now := time.Now()
	e := newEnv(t, func(c *Config) { c.Now = func() time.Time { return now }; c.UploadMaxAge = time.Hour })
	id := e.createUpload("old")
	now = now.Add(2 * time.Hour)
	if err := e.h.Expire(t.Context()); err != nil {
		t.Fatal(err)
	}
	e.do("GET", "/"+testAlias+"/old?uploadId="+id, nil).expect(t, 404, "NoSuchUpload")
}

func TestCompleteKeepAlive(t *testing.T) {
	defer func(d, ev time.Duration) { keepAliveDelay, keepAliveEvery = d, ev }(keepAliveDelay, keepAliveEvery)
	keepAliveDelay, keepAliveEvery = 0, time.Millisecond
	e := newEnv(t)
	id := e.createUpload("k")
	et := e.uploadPart("k", id, 1, "data")
	r := e.complete("k", id, completeBody(et))
	if r.status != 200 || !strings.Contains(r.body, "<CompleteMultipartUploadResult") {
		t.Fatalf("%d %s", r.status, r.body)
	}
	var res struct{ ETag string }
	if err := xml.Unmarshal([]byte(r.body), &res); err != nil || res.ETag == "" {
		t.Fatalf("body does not parse after keep-alive whitespace: %v %q", err, r.body)
	}
}

func crc32b64(s string) string {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], crc32.ChecksumIEEE([]byte(s)))
	return base64.StdEncoding.EncodeToString(b[:])
}

func TestMultipartFullObjectChecksum(t *testing.T) {
	e := newEnv(t)
	id := e.createUpload("full", "x-amz-checksum-algorithm: CRC32", "x-amz-checksum-type: FULL_OBJECT")
	p1, p2 := strings.Repeat("q", minPartSize), "the end"
	e1 := e.uploadPart("full", id, 1, p1, "x-amz-checksum-crc32: "+crc32b64(p1))
	e2 := e.uploadPart("full", id, 2, p2, "x-amz-checksum-crc32: "+crc32b64(p2))
	e.do("PUT", "/"+testAlias+"/full?partNumber=3&uploadId="+id, strings.NewReader("x"),
		"x-amz-checksum-crc32c: AAAAAA==").expect(t, 400, "InvalidRequest")
	whole := crc32b64(p1 + p2)
	e.complete("full", id, completeBody(e1, e2), "x-amz-checksum-crc32: AAAAAA==").expect(t, 400, "BadDigest")
	r := e.complete("full", id, completeBody(e1, e2), "x-amz-checksum-crc32: "+whole)
	r.expect(t, 200, "")
	if !strings.Contains(r.body, "<ChecksumCRC32>"+whole+"</ChecksumCRC32><ChecksumType>FULL_OBJECT</ChecksumType>") {
		t.Fatalf("complete: %s", r.body)
	}
	g := e.get("full", "x-amz-checksum-mode: ENABLED")
	if g.header.Get("x-amz-checksum-crc32") != whole || g.header.Get("x-amz-checksum-type") != "FULL_OBJECT" {
		t.Errorf("GET checksum: %v", g.header)
	}
}

func TestConditionalComplete(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Extensions = true })
	e.put("k", "exists")
	id := e.createUpload("k")
	et := e.uploadPart("k", id, 1, "new")
	e.complete("k", id, completeBody(et), "If-None-Match: *").expect(t, 412, "PreconditionFailed")
	e.complete("k", id, completeBody(et), "If-Match: \""+md5hex("exists")+"\"").expect(t, 200, "")
	if e.get("k").body != "new" {
		t.Error("not replaced")
	}
	plain := newEnv(t)
	id = plain.createUpload("k")
	et = plain.uploadPart("k", id, 1, "new")
	plain.complete("k", id, completeBody(et), "If-None-Match: *").expect(t, 501, "NotImplemented")
}
