package s3api

import (
	"encoding/xml"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// trickyKeys sort differently by bytes than a directory walk would visit
// them ("a-b" < "a/b" < "a0"), include NFC and NFD spellings of one word,
// spaces, a directory object and an empty directory made beside S3.
var trickyKeys = []string{
	"a-b", "a/b", "a/b0/c", "a/b0/d", "a0", "a/x/y/z",
	"caf\u00e9", "cafe\u0301", "with space.txt", "with space/in dir",
	"x+y=z", "marker/", "marker/inside", "b.txt",
}

func trickyEnv(t *testing.T) *env {
	e := newEnv(t)
	for _, k := range trickyKeys {
		data := "data of " + k
		if strings.HasSuffix(k, "/") {
			data = ""
		}
		e.put(k, data)
	}
	if err := os.Mkdir(filepath.Join(e.vol, "emptydir"), 0o755); err != nil {
		t.Fatal(err)
	}
	return e
}

type listed struct {
	Keys           []string `xml:"Contents>Key"`
	Prefixes       []string `xml:"CommonPrefixes>Prefix"`
	IsTruncated    bool
	NextToken      string `xml:"NextContinuationToken"`
	NextMarker     string
	KeyCount       int
	StorageClasses []string `xml:"Contents>StorageClass"`
}

func (e *env) list(query string) (listed, resp) {
	e.t.Helper()
	r := e.do("GET", "/"+testAlias+"?"+query, nil)
	if r.status != 200 {
		e.t.Fatalf("list %s: %d %s", query, r.status, r.body)
	}
	var l listed
	if err := xml.Unmarshal([]byte(r.body), &l); err != nil {
		e.t.Fatal(err)
	}
	return l, r
}

func TestListOrder(t *testing.T) {
	e := trickyEnv(t)
	l, _ := e.list("list-type=2")
	want := slices.Clone(trickyKeys)
	slices.Sort(want) // Go compares strings by bytes, as S3 does
	if !slices.Equal(l.Keys, want) {
		t.Fatalf("keys\n got %q\nwant %q", l.Keys, want)
	}
	for _, sc := range l.StorageClasses {
		if sc != "FSX_OPENZFS" {
			t.Fatalf("storage class %q", sc)
		}
	}
}

func TestListGolden(t *testing.T) {
	e := trickyEnv(t)
	for _, c := range []struct{ name, query string }{
		{"list-v2-all.xml", "list-type=2"},
		{"list-v2-delim.xml", "list-type=2&delimiter=/"},
		{"list-v2-prefix-a.xml", "list-type=2&delimiter=/&prefix=a/"},
		{"list-v2-prefix-partial.xml", "list-type=2&delimiter=/&prefix=a/b"},
		{"list-v2-delim-b.xml", "list-type=2&delimiter=b"},
		{"list-v2-url.xml", "list-type=2&delimiter=/&encoding-type=url&fetch-owner=true&prefix=with%20space/"},
		{"list-v2-start-after.xml", "list-type=2&start-after=a/b0/c&max-keys=3"},
		{"list-v1-marker.xml", "delimiter=/&marker=a-b&max-keys=2"},
		{"list-v1-url.xml", "encoding-type=url&prefix=caf"},
	} {
		_, r := e.list(c.query)
		golden(t, c.name, r.body)
	}
}

// TestListPagination checks, for every page size and delimiter, that the
// pages put together are exactly the single-page listing, and keeps the
// page sequence as a golden file.
func TestListPagination(t *testing.T) {
	e := trickyEnv(t)
	for _, delim := range []string{"", "/", "b", "a/"} {
		full, _ := e.list("list-type=2&delimiter=" + url.QueryEscape(delim))
		for max := 1; max <= 3; max++ {
			var keys, prefixes []string
			var pages strings.Builder
			tok := ""
			for n := 0; ; n++ {
				q := "list-type=2&max-keys=" + strconv.Itoa(max) + "&delimiter=" + url.QueryEscape(delim)
				if tok != "" {
					q += "&continuation-token=" + url.QueryEscape(tok)
				}
				l, r := e.list(q)
				pages.WriteString(r.body + "\n")
				if l.KeyCount != len(l.Keys)+len(l.Prefixes) || l.KeyCount > max {
					t.Fatalf("page %d: KeyCount %d with %d keys, %d prefixes", n, l.KeyCount, len(l.Keys), len(l.Prefixes))
				}
				keys, prefixes = append(keys, l.Keys...), append(prefixes, l.Prefixes...)
				if !l.IsTruncated {
					break
				}
				tok = l.NextToken
				if n > 50 {
					t.Fatal("pagination does not end")
				}
			}
			if !slices.Equal(keys, full.Keys) || !slices.Equal(prefixes, full.Prefixes) {
				t.Errorf("delimiter %q max %d:\n keys %q\n want %q\n prefixes %q\n want %q", delim, max, keys, full.Keys, prefixes, full.Prefixes)
			}
			if delim == "/" || delim == "" {
				golden(t, "list-pages-"+map[string]string{"": "nodelim", "/": "slash"}[delim]+"-"+strconv.Itoa(max)+".xml", pages.String())
			}
		}
	}
}

func TestListV1Pagination(t *testing.T) {
	e := trickyEnv(t)
	full, _ := e.list("delimiter=/")
	var keys, prefixes []string
	marker := ""
	for n := 0; n < 50; n++ {
		l, _ := e.list("delimiter=/&max-keys=2&marker=" + url.QueryEscape(marker))
		keys, prefixes = append(keys, l.Keys...), append(prefixes, l.Prefixes...)
		if !l.IsTruncated {
			break
		}
		if l.NextMarker == "" {
			t.Fatal("truncated V1 listing with a delimiter must send NextMarker")
		}
		marker = l.NextMarker
	}
	if !slices.Equal(keys, full.Keys) || !slices.Equal(prefixes, full.Prefixes) {
		t.Errorf("V1 pages: %q %q, want %q %q", keys, prefixes, full.Keys, full.Prefixes)
	}
	if l, _ := e.list("max-keys=1"); l.NextMarker != "" {
		t.Errorf("NextMarker without a delimiter: %q", l.NextMarker)
	}
}

func TestListErrors(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		query, code string
	}{
		{"list-type=2&continuation-token=garbage", "InvalidArgument"},
		{"list-type=2&continuation-token=" + url.QueryEscape(encodeToken("a")+"x"), "InvalidArgument"},
		{"list-type=2&max-keys=-1", "InvalidArgument"},
		{"list-type=2&max-keys=many", "InvalidArgument"},
		{"list-type=2&max-keys=2147483648", "InvalidArgument"}, // past a 32-bit integer
		{"max-keys=99999999999999999999", "InvalidArgument"},
		{"uploads&max-uploads=2147483648", "InvalidArgument"},
		{"list-type=2&encoding-type=base64", "InvalidArgument"},
		{"list-type=3", "InvalidArgument"},
	} {
		e.do("GET", "/"+testAlias+"?"+c.query, nil).expect(t, 400, c.code)
	}
	if _, r := e.list("list-type=2&max-keys=2147483647"); !strings.Contains(r.body, "<MaxKeys>1000</MaxKeys>") {
		t.Errorf("the largest max-keys not clamped: %s", r.body)
	}
	if _, r := e.list("list-type=2&max-keys=5000"); !strings.Contains(r.body, "<MaxKeys>1000</MaxKeys>") {
		t.Errorf("max-keys not clamped: %s", r.body)
	}
}

func TestBucketOps(t *testing.T) {
	e := newEnv(t)
	r := e.do("HEAD", "/"+testAlias, nil)
	if r.status != 200 || r.header.Get("x-amz-bucket-region") != "us-west-2" {
		t.Errorf("HeadBucket: %d %v", r.status, r.header)
	}
	golden(t, "location.xml", e.do("GET", "/"+testAlias+"?location", nil).body)
	for _, c := range []struct {
		method, query string
		status        int
		code          string
	}{
		{"PUT", "", 409, "BucketAlreadyOwnedByYou"},
		{"PUT", "?x-unknown", 405, "MethodNotAllowed"},
		{"DELETE", "", 405, "MethodNotAllowed"},
		{"GET", "?acl", 501, "NotImplemented"},
		{"PUT", "?policy", 501, "NotImplemented"},
		{"GET", "?versions", 501, "NotImplemented"},
		{"GET", "?versioning", 501, "NotImplemented"},
		{"PUT", "?cors", 501, "NotImplemented"},
		{"GET", "?lifecycle", 501, "NotImplemented"},
		{"GET", "?notification", 501, "NotImplemented"},
		{"GET", "?object-lock", 501, "NotImplemented"},
		{"GET", "?tagging", 501, "NotImplemented"},
		{"POST", "", 501, "NotImplemented"},
	} {
		e.do(c.method, "/"+testAlias+c.query, nil).expect(t, c.status, c.code)
	}
	for _, c := range []struct{ method, query string }{
		{"GET", "?acl"}, {"PUT", "?acl"}, {"GET", "?retention"}, {"PUT", "?legal-hold"}, {"POST", "?restore"},
	} {
		e.do(c.method, "/"+testAlias+"/k"+c.query, nil).expect(t, 501, "NotImplemented")
	}
	e.do("GET", "/nope-x-ext-s3alias?list-type=2", nil).expect(t, 404, "NoSuchBucket")
	e.do("PUT", "/nope-x-ext-s3alias", nil).expect(t, 501, "NotImplemented")
	golden(t, "error-nosuchkey.xml", e.get("missing/key").body)
	golden(t, "error-notimplemented.xml", e.do("GET", "/"+testAlias+"?acl", nil).body)
}
