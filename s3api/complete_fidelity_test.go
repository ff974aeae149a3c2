package s3api

import (
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/fsxd/fsxd/volume"
)

// Racing Completes of one upload (an SDK retry overtaking a slow first
// attempt) all succeed with one answer: whoever finds the upload gone
// finds the winner's completion record.
func TestConcurrentCompleteSameAnswer(t *testing.T) {
	e := newEnv(t)
	id := e.createUpload("k", "x-amz-checksum-algorithm: SHA256")
	etag := e.uploadPart("k", id, 1, "only part", "x-amz-checksum-sha256: "+sha256B64("only part"))
	body := completeBodyWith("ChecksumSHA256", []string{etag}, []string{sha256B64("only part")})
	const n = 8
	type answer struct {
		status int
		body   string
	}
	answers := make([]answer, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := e.srv.Client().Post(e.srv.URL+"/"+testAlias+"/k?uploadId="+id, "application/xml", strings.NewReader(body))
			if err != nil {
				answers[i] = answer{body: err.Error()}
				return
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			answers[i] = answer{res.StatusCode, string(b)}
		}()
	}
	wg.Wait()
	for i, a := range answers {
		if a.status != http.StatusOK || a.body != answers[0].body || !strings.Contains(a.body, "<ChecksumType>COMPOSITE</ChecksumType>") {
			t.Fatalf("complete %d: %d %s\nfirst: %s", i, a.status, a.body, answers[0].body)
		}
	}
	if g := e.get("k"); g.body != "only part" {
		t.Fatalf("object %q", g.body)
	}
}

func sha256B64(s string) string {
	sum := sha256.Sum256([]byte(s))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// Of a multipart object without a checksum S3 reports the part count
// only, no Part elements.
func TestAttributesPartsWithoutChecksum(t *testing.T) {
	e := newEnv(t)
	id := e.createUpload("k")
	body := completeBody(e.uploadPart("k", id, 1, strings.Repeat("a", minPartSize)), e.uploadPart("k", id, 2, "b"))
	e.complete("k", id, body).expect(t, 200, "")
	r := e.do("GET", "/"+testAlias+"/k?attributes", nil, "x-amz-object-attributes: ObjectParts")
	if !strings.Contains(r.body, "<ObjectParts><PartsCount>2</PartsCount></ObjectParts>") {
		t.Fatalf("%d %s", r.status, r.body)
	}
}

// The part checksums of a Complete, checked as S3 does.
func TestCompletePartChecksums(t *testing.T) {
	e := newEnv(t)
	id := e.createUpload("k", "x-amz-checksum-algorithm: CRC32")
	etag := e.uploadPart("k", id, 1, "data")
	for _, c := range []struct {
		tag, sum, code, msg string
	}{
		{"ChecksumSHA256", sha256B64("data"), "BadDigest", "The sha256 you specified for part 1 did not match what we received."},
		{"ChecksumCRC32", crc32B64("other"), "InvalidPart", "One or more of the specified parts could not be found."},
	} {
		r := e.complete("k", id, completeBodyWith(c.tag, []string{etag}, []string{c.sum}))
		r.expect(t, 400, c.code)
		if !strings.Contains(r.body, c.msg) {
			t.Errorf("%s: %s", c.tag, r.body)
		}
	}
	r := e.complete("k", id, completeBody(etag))
	r.expect(t, 400, "InvalidRequest")
	if !strings.Contains(r.body, "The upload was created using a crc32 checksum. The complete request must include the checksum for each part. It was missing for part 1 in the request.") {
		t.Error(r.body)
	}
	good := completeBodyWith("ChecksumCRC32", []string{etag}, []string{crc32B64("data")})
	// A checksum type other than the upload's is BadDigest (API_CompleteMultipartUpload).
	e.complete("k", id, good, "x-amz-checksum-type: FULL_OBJECT").expect(t, 400, "BadDigest")
	e.complete("k", id, good, "x-amz-checksum-type: COMPOSITE").expect(t, 200, "")
}

// Staged metadata keeps non-UTF-8 bytes, and upload.json written before
// UserBytes (a bare volume.Meta) still reads.
func TestUploadMetaBytes(t *testing.T) {
	raw, err := encodeUploadMeta(&volume.Meta{ContentType: "t", User: map[string]string{"a": "\xe9", "b": "é"}})
	if err != nil {
		t.Fatal(err)
	}
	m, err := decodeUploadMeta(raw)
	if err != nil || m.User["a"] != "\xe9" || m.User["b"] != "é" || m.ContentType != "t" {
		t.Fatalf("%q %v", m.User, err)
	}
	m, err = decodeUploadMeta([]byte(`{"ContentType":"old","User":{"k":"v"}}`))
	if err != nil || m.ContentType != "old" || m.User["k"] != "v" {
		t.Fatalf("old format: %+v %v", m, err)
	}
}
