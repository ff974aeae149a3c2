package s3api

import (
	"net/http"
	"strings"
	"testing"
)

// TestConditionalDelete: a delete that names a condition is never done
// unconditionally. Without Extensions it is refused (AWS offers no
// conditional requests on FSx access points); with them, it deletes only
// what matches.
func TestConditionalDelete(t *testing.T) {
	deleteOne := func(e *env, key string, headers ...string) resp {
		return e.do("DELETE", "/"+testAlias+"/"+key, nil, headers...)
	}
	deleteMany := func(e *env, objects string) resp {
		body := "<Delete>" + objects + "</Delete>"
		return e.do("POST", "/"+testAlias+"?delete", strings.NewReader(body), "Content-MD5: "+md5b64(body))
	}

	e := newEnv(t)
	e.put("k", "one")
	deleteOne(e, "k", `If-Match: "`+md5hex("one")+`"`).expect(t, 501, "NotImplemented")
	deleteOne(e, "k", "x-amz-if-match-size: 3").expect(t, 501, "NotImplemented")
	if r := deleteMany(e, `<Object><Key>k</Key><ETag>"`+md5hex("one")+`"</ETag></Object>`); !strings.Contains(r.body, "<Code>NotImplemented</Code>") {
		t.Errorf("DeleteObjects with an ETag: %s", r.body)
	}
	if e.get("k").status != http.StatusOK {
		t.Fatal("a refused conditional delete deleted")
	}

	e = newEnv(t, func(c *Config) { c.Extensions = true })
	e.put("k", "one")
	modified := e.get("k").header.Get("Last-Modified")
	for _, tt := range []struct {
		header, code string
		status       int
	}{
		{`If-Match: "nope"`, "PreconditionFailed", 412},
		{"x-amz-if-match-size: 4", "PreconditionFailed", 412},
		{"x-amz-if-match-last-modified-time: Mon, 02 Jan 2006 15:04:05 GMT", "PreconditionFailed", 412},
		{"x-amz-if-match-size: -1", "InvalidArgument", 400},
		{"x-amz-if-match-last-modified-time: yesterday", "InvalidArgument", 400},
	} {
		deleteOne(e, "k", tt.header).expect(t, tt.status, tt.code)
	}
	if e.get("k").body != "one" {
		t.Fatal("a failed conditional delete deleted")
	}
	deleteOne(e, "missing", `If-Match: "x"`).expect(t, 404, "NoSuchKey")
	deleteOne(e, "no/such/dir", `If-Match: "x"`).expect(t, 404, "NoSuchKey")
	deleteOne(e, "k", `If-Match: "`+md5hex("one")+`"`, "x-amz-if-match-size: 3", "x-amz-if-match-last-modified-time: "+modified).expect(t, 204, "")
	if e.get("k").status != http.StatusNotFound {
		t.Error("a matching conditional delete did not delete")
	}

	e.put("a", "aa")
	e.put("b", "bb")
	r := deleteMany(e, `<Object><Key>a</Key><ETag>"nope"</ETag></Object><Object><Key>b</Key><ETag>"`+md5hex("bb")+`"</ETag><Size>2</Size></Object>`)
	if !strings.Contains(r.body, "<Error><Key>a</Key><Code>PreconditionFailed</Code>") || !strings.Contains(r.body, "<Deleted><Key>b</Key></Deleted>") {
		t.Errorf("DeleteObjects with conditions: %s", r.body)
	}
	if e.get("a").body != "aa" || e.get("b").status != http.StatusNotFound {
		t.Error("DeleteObjects conditions not applied per object")
	}
}
