package s3api

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/fsxd/fsxd/auth"
	"github.com/fsxd/fsxd/awserr"
)

// TestAuthorize checks what the policy layer is asked: the action, the
// key, and the condition keys S3 defines; and that a refusal wins over
// anything the file system would have said.
func TestAuthorize(t *testing.T) {
	var mu sync.Mutex
	var seen []Request
	deny := map[string]bool{}
	e := newEnv(t, func(c *Config) {
		c.Authorize = func(_ context.Context, req Request) error {
			mu.Lock()
			defer mu.Unlock()
			seen = append(seen, req)
			if deny[req.Action+" "+req.Key] || req.Context["s3:ExistingObjectTag/secret"] != nil && req.Action == "s3:GetObject" {
				return awserr.AccessDenied.Err("")
			}
			return nil
		}
	})
	last := func() Request { mu.Lock(); defer mu.Unlock(); return seen[len(seen)-1] }
	e.put("open", "x", "x-amz-tagging: team=a")
	mu.Lock()
	var acts []string
	for _, s := range seen {
		acts = append(acts, s.Action)
	}
	mu.Unlock()
	// Tags on a PUT need s3:PutObjectTagging as well, as on S3.
	if !slices.Equal(acts, []string{"s3:PutObject", "s3:PutObjectTagging"}) {
		t.Fatalf("PUT with tags asked %q", acts)
	}
	e.get("open").expect(t, 200, "")
	if r := last(); r.Action != "s3:GetObject" || strings.Join(r.Context["s3:ExistingObjectTag/team"], "") != "a" {
		t.Errorf("GET asked %+v", r)
	}
	e.put("hidden", "x", "x-amz-tagging: secret=1")
	e.get("hidden").expect(t, 403, "AccessDenied")
	deny["s3:GetObject missing"] = true
	e.get("missing").expect(t, 403, "AccessDenied")
	e.do("GET", "/"+testAlias+"?list-type=2&prefix=p/&delimiter=/&max-keys=5", nil)
	if r := last(); r.Action != "s3:ListBucket" || r.Context["s3:prefix"][0] != "p/" || r.Context["s3:delimiter"][0] != "/" || r.Context["s3:max-keys"][0] != "5" {
		t.Errorf("list asked %+v", r)
	}
	deny["s3:DeleteObject open"] = true
	body := `<Delete><Object><Key>open</Key></Object><Object><Key>other</Key></Object></Delete>`
	r := e.do("POST", "/"+testAlias+"?delete", strings.NewReader(body), "Content-MD5: "+md5b64(body))
	if !strings.Contains(r.body, "<Error><Key>open</Key><Code>AccessDenied</Code>") || !strings.Contains(r.body, "<Deleted><Key>other</Key>") {
		t.Errorf("DeleteObjects: %s", r.body)
	}
	deny["s3:GetObject open"] = true
	e.do("PUT", "/"+testAlias+"/copy", nil, "x-amz-copy-source: /"+testAlias+"/open").expect(t, 403, "AccessDenied")
	body = `<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>`
	e.do("PUT", "/"+testAlias+"/open?tagging", strings.NewReader(body)).expect(t, 200, "")
	if r := last(); r.Action != "s3:PutObjectTagging" || strings.Join(r.Context["s3:RequestObjectTag/k"], "") != "v" || strings.Join(r.Context["s3:ExistingObjectTag/team"], "") != "a" {
		t.Errorf("PutObjectTagging asked %+v", r)
	}
}

// TestRequestTagsEveryCheck: a Deny of s3:PutObjectTagging conditioned
// on the tags a request sets holds whichever operation carries them: the
// tagging check inside PutObject, CopyObject and CreateMultipartUpload
// sees the request's tags as PutObjectTagging's own does.
func TestRequestTagsEveryCheck(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		c.Authorize = func(_ context.Context, req Request) error {
			if req.Action == "s3:PutObjectTagging" && slices.Contains(req.Context["s3:RequestObjectTag/class"], "secret") {
				return awserr.AccessDenied.Err("")
			}
			return nil
		}
	})
	e.put("src", "x")
	tagging := func(v string) string {
		return `<Tagging><TagSet><Tag><Key>class</Key><Value>` + v + `</Value></Tag></TagSet></Tagging>`
	}
	for _, class := range []string{"secret", "public"} {
		want, code := 200, ""
		if class == "secret" {
			want, code = 403, "AccessDenied"
		}
		hdr := "x-amz-tagging: class=" + class
		for _, c := range []struct {
			name, method, path, body string
			headers                  []string
		}{
			{"PutObject", "PUT", "/put-" + class, "x", []string{hdr}},
			{"CopyObject", "PUT", "/copy-" + class, "", []string{hdr, "x-amz-tagging-directive: REPLACE", "x-amz-copy-source: /" + testAlias + "/src"}},
			{"CreateMultipartUpload", "POST", "/mpu-" + class + "?uploads", "", []string{hdr}},
			{"PutObjectTagging", "PUT", "/src?tagging", tagging(class), nil},
		} {
			r := e.do(c.method, "/"+testAlias+c.path, strings.NewReader(c.body), c.headers...)
			if r.status != want || code != "" && !strings.Contains(r.body, code) {
				t.Errorf("%s with class=%s: %d %s, want %d %s", c.name, class, r.status, r.body, want, code)
			}
		}
		if class == "secret" {
			e.get("put-secret").expect(t, 404, "NoSuchKey")
			e.get("copy-secret").expect(t, 404, "NoSuchKey")
		}
	}
}

// TestListBucketsAfterSignature: GET / is checked as any request is
// before it is refused as not served: an unsigned or badly signed one is
// the authentication's 403, a signed one 501 NotImplemented.
func TestListBucketsAfterSignature(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		c.Authenticate = func(r *http.Request) (*auth.Principal, error) {
			if r.Header.Get("Authorization") != "good" {
				return nil, awserr.SignatureDoesNotMatch.Err("")
			}
			return &auth.Principal{AccountID: testAccount, IsRoot: true}, nil
		}
	})
	e.do("GET", "/", nil).expect(t, 403, "SignatureDoesNotMatch")
	e.do("GET", "/", nil, "Authorization: bad").expect(t, 403, "SignatureDoesNotMatch")
	e.do("GET", "/", nil, "Authorization: good").expect(t, 501, "NotImplemented")
}
