package s3api

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/xml"
	"hash/crc32"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCopyObject(t *testing.T) {
	e := newEnv(t)
	e.put("src/a.txt", "payload", "Content-Type: text/plain", "x-amz-meta-m: 1", "x-amz-tagging: t=1")
	arn := "arn:aws:s3:us-west-2:" + testAccount + ":accesspoint/" + testName + "/object/src/a.txt"
	for _, c := range []struct {
		name, source, dst string
		headers           []string
		ctype, meta, tags string
	}{
		{"alias, COPY", "/" + testAlias + "/src/a.txt", "c1", nil, "text/plain", "1", "1"},
		{"no slash, encoded", testAlias + "/src%2Fa.txt", "c2", nil, "text/plain", "1", "1"},
		{"arn", arn, "c3", nil, "text/plain", "1", "1"},
		{"arn encoded", url.PathEscape(arn), "c4", nil, "text/plain", "1", "1"},
		{"REPLACE", "/" + testAlias + "/src/a.txt", "c5", []string{"x-amz-metadata-directive: REPLACE", "Content-Type: image/gif"}, "image/gif", "", "1"},
		{"tagging REPLACE", "/" + testAlias + "/src/a.txt", "c6", []string{"x-amz-tagging-directive: REPLACE", "x-amz-tagging: t=2"}, "text/plain", "1", "1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := e.do("PUT", "/"+testAlias+"/"+c.dst, nil, append([]string{"x-amz-copy-source: " + c.source}, c.headers...)...)
			r.expect(t, 200, "")
			var res struct{ ETag string }
			xml.Unmarshal([]byte(r.body), &res)
			if res.ETag != `"`+md5hex("payload")+`"` {
				t.Errorf("ETag %s", res.ETag)
			}
			g := e.get(c.dst)
			if g.body != "payload" || g.header.Get("Content-Type") != c.ctype || g.header.Get("x-amz-meta-m") != c.meta || g.header.Get("x-amz-tagging-count") != c.tags {
				t.Errorf("copy: %q %v", g.body, g.header)
			}
		})
	}
	etag := `"` + md5hex("payload") + `"`
	for _, c := range []struct {
		name    string
		headers []string
		status  int
		code    string
	}{
		{"other access point", []string{"x-amz-copy-source: /other-ext-s3alias/src/a.txt"}, 400, "InvalidRequest"},
		{"missing source", []string{"x-amz-copy-source: /" + testAlias + "/nope"}, 404, "NoSuchKey"},
		{"bad source", []string{"x-amz-copy-source: nokey"}, 400, "InvalidArgument"},
		{"onto itself", []string{"x-amz-copy-source: /" + testAlias + "/src/a.txt", "x-amz-copy-source-if-match: " + etag}, 400, "InvalidRequest"},
		{"if-match fails", []string{"x-amz-copy-source: /" + testAlias + "/src/a.txt", `x-amz-copy-source-if-match: "x"`}, 412, "PreconditionFailed"},
		{"if-none-match hits", []string{"x-amz-copy-source: /" + testAlias + "/src/a.txt", "x-amz-copy-source-if-none-match: " + etag}, 412, "PreconditionFailed"},
		{"bad directive", []string{"x-amz-copy-source: /" + testAlias + "/src/a.txt", "x-amz-metadata-directive: MOVE"}, 400, "InvalidArgument"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dst := "dst"
			if c.name == "onto itself" {
				dst = "src/a.txt"
			}
			e.do("PUT", "/"+testAlias+"/"+dst, nil, c.headers...).expect(t, c.status, c.code)
		})
	}
	// Onto itself with REPLACE changes only the metadata.
	e.do("PUT", "/"+testAlias+"/src/a.txt", nil, "x-amz-copy-source: /"+testAlias+"/src/a.txt",
		"x-amz-metadata-directive: REPLACE", "Content-Type: text/x-new").expect(t, 200, "")
	if g := e.get("src/a.txt"); g.header.Get("Content-Type") != "text/x-new" || g.header.Get("ETag") != etag || g.body != "payload" {
		t.Errorf("self copy: %v", g.header)
	}
}

func TestCopyOfMultipartObjectIsSinglePart(t *testing.T) {
	e := newEnv(t)
	id := e.createUpload("mp")
	et := e.uploadPart("mp", id, 1, "abc")
	e.complete("mp", id, completeBody(et)).expect(t, 200, "")
	r := e.do("PUT", "/"+testAlias+"/cp", nil, "x-amz-copy-source: /"+testAlias+"/mp")
	r.expect(t, 200, "")
	if !strings.Contains(r.body, md5hex("abc")) {
		t.Errorf("copy of a multipart object should carry the content MD5: %s", r.body)
	}
}

func TestTagging(t *testing.T) {
	e := newEnv(t)
	e.put("k", "v", "x-amz-tagging: b=2&a=1")
	golden(t, "tagging.xml", e.do("GET", "/"+testAlias+"/k?tagging", nil).body)
	etag := e.get("k").header.Get("ETag")
	body := `<Tagging><TagSet><Tag><Key>x</Key><Value>y z</Value></Tag></TagSet></Tagging>`
	e.do("PUT", "/"+testAlias+"/k?tagging", strings.NewReader(body)).expect(t, 200, "")
	if g := e.get("k"); g.header.Get("x-amz-tagging-count") != "1" || g.header.Get("ETag") != etag {
		t.Errorf("after PutObjectTagging: %v", g.header)
	}
	for _, c := range []struct{ body, code string }{
		{`<Tagging><TagSet><Tag><Key>aws:x</Key><Value>1</Value></Tag></TagSet></Tagging>`, "InvalidTag"},
		{`<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>a</Key><Value>2</Value></Tag></TagSet></Tagging>`, "InvalidTag"},
		{`<Tagging><TagSet><Tag><Key>` + strings.Repeat("k", 129) + `</Key><Value>1</Value></Tag></TagSet></Tagging>`, "InvalidTag"},
		{`<Tagging><TagSet><Tag><Key>k</Key><Value>` + strings.Repeat("v", 257) + `</Value></Tag></TagSet></Tagging>`, "InvalidTag"},
		{`<Tagging><TagSet><Tag><Key>k</Key><Value>a&amp;b</Value></Tag></TagSet></Tagging>`, "InvalidTag"},
		{`<Nope/>`, "MalformedXML"},
	} {
		e.do("PUT", "/"+testAlias+"/k?tagging", strings.NewReader(c.body)).expect(t, 400, c.code)
	}
	e.do("DELETE", "/"+testAlias+"/k?tagging", nil).expect(t, 204, "")
	if g := e.get("k"); g.header.Get("x-amz-tagging-count") != "" {
		t.Errorf("tags remain: %v", g.header)
	}
	e.do("GET", "/"+testAlias+"/missing?tagging", nil).expect(t, 404, "NoSuchKey")
}

func TestDeleteObjects(t *testing.T) {
	e := newEnv(t)
	e.put("d/1", "1")
	e.put("d/2", "2")
	e.put("dir/", "")
	e.put("dir/inside", "x")
	body := `<Delete><Object><Key>d/1</Key></Object><Object><Key>d/2</Key></Object><Object><Key>never</Key></Object>` +
		`<Object><Key>a/../b</Key></Object><Object><Key>dir/</Key></Object></Delete>`
	r := e.do("POST", "/"+testAlias+"?delete", strings.NewReader(body), "Content-MD5: "+md5b64(body))
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	golden(t, "delete-result.xml", r.body)
	quiet := `<Delete><Quiet>true</Quiet><Object><Key>dir/inside</Key></Object></Delete>`
	r = e.do("POST", "/"+testAlias+"?delete", strings.NewReader(quiet), "Content-MD5: "+md5b64(quiet))
	if r.status != 200 || strings.Contains(r.body, "<Deleted>") {
		t.Errorf("quiet: %s", r.body)
	}
	e.do("POST", "/"+testAlias+"?delete", strings.NewReader(quiet)).expect(t, 400, "InvalidRequest")
	e.do("POST", "/"+testAlias+"?delete", strings.NewReader(quiet), "Content-MD5: "+md5b64("x")).expect(t, 400, "BadDigest")
	many := "<Delete>" + strings.Repeat("<Object><Key>k</Key></Object>", 1001) + "</Delete>"
	e.do("POST", "/"+testAlias+"?delete", strings.NewReader(many), "Content-MD5: "+md5b64(many)).expect(t, 400, "MalformedXML")
}

func TestAttributesErrors(t *testing.T) {
	e := newEnv(t)
	e.put("k", "v")
	e.do("GET", "/"+testAlias+"/k?attributes", nil).expect(t, 400, "InvalidArgument")
	e.do("GET", "/"+testAlias+"/k?attributes", nil, "x-amz-object-attributes: Color").expect(t, 400, "InvalidArgument")
	r := e.do("GET", "/"+testAlias+"/k?attributes", nil, "x-amz-object-attributes: ETag", "x-amz-object-attributes: ObjectSize")
	if r.status != 200 || !strings.Contains(r.body, "<ETag>"+md5hex("v")+"</ETag>") || !strings.Contains(r.body, "<ObjectSize>1</ObjectSize>") {
		t.Errorf("%d %s", r.status, r.body)
	}
}

// TestCopyConditionalWrite: If-None-Match and If-Match on CopyObject are
// about the destination, as on PutObject: 501 without Extensions (never
// ignored), checked as the copy is put in place with them.
func TestCopyConditionalWrite(t *testing.T) {
	copyTo := func(e *env, dst string, headers ...string) resp {
		return e.do("PUT", "/"+testAlias+"/"+dst, nil, append([]string{"x-amz-copy-source: /" + testAlias + "/src"}, headers...)...)
	}
	e := newEnv(t)
	e.put("src", "new")
	e.put("dst", "old")
	copyTo(e, "dst", "If-None-Match: *").expect(t, 501, "NotImplemented")
	if e.get("dst").body != "old" {
		t.Fatal("a refused conditional copy replaced the destination")
	}

	e = newEnv(t, func(c *Config) { c.Extensions = true })
	e.put("src", "new")
	e.put("dst", "old")
	copyTo(e, "dst", "If-None-Match: *").expect(t, 412, "PreconditionFailed")
	copyTo(e, "dst", `If-Match: "nope"`).expect(t, 412, "PreconditionFailed")
	copyTo(e, "fresh", `If-Match: "nope"`).expect(t, 404, "NoSuchKey")
	if e.get("dst").body != "old" {
		t.Fatal("a failed conditional copy replaced the destination")
	}
	copyTo(e, "fresh", "If-None-Match: *").expect(t, 200, "")
	copyTo(e, "dst", `If-Match: "`+md5hex("old")+`"`).expect(t, 200, "")
	if e.get("dst").body != "new" || e.get("fresh").body != "new" {
		t.Error("a matching conditional copy did not copy")
	}
	e.do("PUT", "/"+testAlias+"/src", nil, "x-amz-copy-source: /"+testAlias+"/src", "x-amz-metadata-directive: REPLACE",
		"If-None-Match: *").expect(t, 412, "PreconditionFailed")
	self := func(ifMatch, typ string) resp {
		return e.do("PUT", "/"+testAlias+"/src", nil, "x-amz-copy-source: /"+testAlias+"/src", "x-amz-metadata-directive: REPLACE",
			"If-Match: "+ifMatch, "Content-Type: "+typ)
	}
	self(`"nope"`, "text/x-refused").expect(t, 412, "PreconditionFailed")
	self(`"`+md5hex("new")+`"`, "text/x-self").expect(t, 200, "")
	if g := e.get("src"); g.header.Get("Content-Type") != "text/x-self" || g.body != "new" {
		t.Errorf("copy onto itself with a matching If-Match: %v %q", g.header, g.body)
	}
}

// TestChangedBeside: a copy whose source is written beside S3 while it is
// copied is copied again through the hasher (copyData), so its ETag is
// never the old content's. changedBeside is what sees the write.
func TestChangedBeside(t *testing.T) {
	e := newEnv(t)
	e.put("src", "original")
	p, err := parseKey("src")
	if err != nil {
		t.Fatal(err)
	}
	f, err := e.ap.Root.As(e.ap.Identity).Open(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if changedBeside(f) {
		t.Fatal("an untouched source reported changed")
	}
	time.Sleep(10 * time.Millisecond) // past the file system's timestamp granularity
	if err := os.WriteFile(filepath.Join(e.vol, "src"), []byte("ORIGINAL"), 0o644); err != nil {
		t.Fatal(err)
	}
	if !changedBeside(f) {
		t.Error("a source rewritten in place (same size) not reported changed")
	}
}

// TestCopyOntoItselfIsNewObject: a copy onto itself with REPLACE makes a
// new object, as on S3: Last-Modified moves to the copy's time (so
// If-Modified-Since revalidates), the same in the copy's answer, on GET
// and in listings; the ETag of its unchanged bytes stays; a checksum
// algorithm asked for is computed and replaces the old one.
func TestCopyOntoItselfIsNewObject(t *testing.T) {
	e := newEnv(t)
	crc := binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE([]byte("payload")))
	e.put("self", "payload", "Content-Type: text/old", "x-amz-checksum-crc32: "+base64.StdEncoding.EncodeToString(crc))
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := os.Chtimes(filepath.Join(e.vol, "self"), old, old); err != nil {
		t.Fatal(err)
	}
	oldLM := e.get("self").header.Get("Last-Modified")
	r := e.do("PUT", "/"+testAlias+"/self", nil, "x-amz-copy-source: /"+testAlias+"/self",
		"x-amz-metadata-directive: REPLACE", "Content-Type: text/new", "x-amz-checksum-algorithm: SHA256")
	r.expect(t, 200, "")
	var res struct{ ETag, LastModified, ChecksumSHA256, ChecksumCRC32 string }
	if err := xml.Unmarshal([]byte(r.body), &res); err != nil {
		t.Fatal(err)
	}
	sha := sha256.Sum256([]byte("payload"))
	if res.ETag != `"`+md5hex("payload")+`"` || res.ChecksumSHA256 != base64.StdEncoding.EncodeToString(sha[:]) || res.ChecksumCRC32 != "" {
		t.Errorf("copy result: %s", r.body)
	}
	lm, err := time.Parse(time.RFC3339, res.LastModified)
	if err != nil || time.Since(lm) > time.Minute {
		t.Errorf("copy result LastModified %q, want now", res.LastModified)
	}
	g := e.get("self", "x-amz-checksum-mode: ENABLED")
	if g.header.Get("Last-Modified") != lm.UTC().Format(http.TimeFormat) || g.header.Get("Content-Type") != "text/new" ||
		g.header.Get("ETag") != res.ETag || g.header.Get("x-amz-checksum-sha256") != res.ChecksumSHA256 || g.body != "payload" {
		t.Errorf("GET after the copy: %v", g.header)
	}
	if g := e.get("self", "If-Modified-Since: "+oldLM); g.status != 200 {
		t.Errorf("If-Modified-Since the old Last-Modified: %d, want 200", g.status)
	}
	_, lr := e.list("list-type=2&prefix=self")
	var l struct {
		Contents []struct{ LastModified, ETag string }
	}
	if err := xml.Unmarshal([]byte(lr.body), &l); err != nil || len(l.Contents) != 1 ||
		l.Contents[0].LastModified != res.LastModified || l.Contents[0].ETag != res.ETag {
		t.Errorf("listed after the copy: %+v, want %s", l.Contents, r.body)
	}
}
