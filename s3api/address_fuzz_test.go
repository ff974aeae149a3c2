package s3api

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fsxd/fsxd/volume"
)

// FuzzAddress: the request path → access point and key mapping, the first
// half of key → path (volume.FuzzParseKey is the second). Nothing is
// cleaned or dropped: the key is the rest of the decoded path byte for
// byte, and whatever ParseKey accepts has no "." or ".." segment.
func FuzzAddress(f *testing.F) {
	for _, s := range [][2]string{
		{"127.0.0.1:9000", "/ap-ext-s3alias/a/b"},
		{"127.0.0.1", "/ap-ext-s3alias/../x"},
		{"ap-ext-s3alias.s3.fsxd.test", "/a//b"},
		{"name-123456789012.s3.fsxd.test", "/k"},
		{"name-123456789012.127.0.0.1:80", "/\xc0\xae\xc0\xae/x"},
		{"S3.FSXD.TEST.", "/b/k\\..\\x"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, host, path string) {
		r := &http.Request{Host: host, URL: &url.URL{Path: path}}
		a := address(r, []string{"s3.fsxd.test"})
		rest := strings.TrimPrefix(path, "/")
		switch {
		case a.virtual && a.key != rest:
			t.Fatalf("virtual-hosted %q %q: key %q", host, path, a.key)
		case !a.virtual && a.bucket+"/"+a.key != rest && (a.key != "" || a.bucket != rest):
			t.Fatalf("path-style %q: bucket %q key %q", path, a.bucket, a.key)
		}
		p, err := volume.ParseKey(a.key)
		if err != nil {
			return
		}
		for _, seg := range strings.Split(strings.TrimSuffix(p.String(), "/"), "/") {
			if seg == "." || seg == ".." || seg == "" {
				t.Fatalf("key %q parsed with segment %q", a.key, seg)
			}
		}
	})
}
