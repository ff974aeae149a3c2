package s3api

import (
	"encoding/xml"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestListControlCharacterKeys: keys that differ only in a control
// character are listed as themselves, as S3 lists them (character
// references), so a ListObjects client paging by the last key it was
// given (marker) sees every key once.
func TestListControlCharacterKeys(t *testing.T) {
	e := newEnv(t)
	keys := []string{"x/a", "x/b\x01", "x/b\x02", "x/b\x1f", "x/c"}
	path := func(k string) string {
		return "/" + testAlias + "/" + strings.ReplaceAll(url.PathEscape(k), "%2F", "/")
	}
	for _, k := range keys {
		e.do("PUT", path(k), strings.NewReader("data of "+k)).expect(t, 200, "")
	}
	// The references read back as "%01" and so on, so that encoding/xml
	// (which refuses them) can parse the rest.
	refs := strings.NewReplacer("&#x1;", "%01", "&#x2;", "%02", "&#x1F;", "%1F")
	back := strings.NewReplacer("%01", "\x01", "%02", "\x02", "%1F", "\x1f")
	var got []string
	marker := ""
	for range len(keys) + 1 {
		r := e.do("GET", "/"+testAlias+"?max-keys=1&marker="+url.QueryEscape(marker), nil)
		if r.status != 200 {
			t.Fatalf("ListObjects after %q: %d %s", marker, r.status, r.body)
		}
		if strings.Contains(r.body, "\uFFFD") {
			t.Fatalf("a key was replaced: %s", r.body)
		}
		r.body = refs.Replace(r.body)
		var l listed
		if err := xml.Unmarshal([]byte(r.body), &l); err != nil {
			t.Fatalf("%v: %s", err, r.body)
		}
		for _, k := range l.Keys {
			got = append(got, back.Replace(k))
		}
		if !l.IsTruncated {
			break
		}
		marker = got[len(got)-1]
	}
	if !slices.Equal(got, keys) {
		t.Errorf("paged by marker: %q, want %q", got, keys)
	}
	for _, k := range got {
		e.do("HEAD", path(k), nil).expect(t, 200, "")
	}
}

// TestDeleteLinkedDir: DELETE of a directory key that resolves through a
// symlink made beside S3 is refused (400), not answered 204 while HEAD
// still finds it; the link goes by its key without the "/".
func TestDeleteLinkedDir(t *testing.T) {
	e := newEnv(t)
	e.do("PUT", "/"+testAlias+"/target/", strings.NewReader("")).expect(t, 200, "")
	os.MkdirAll(filepath.Join(e.vol, "z"), 0o755)
	if err := os.Symlink("../target", filepath.Join(e.vol, "z", "link")); err != nil {
		t.Fatal(err)
	}
	e.do("HEAD", "/"+testAlias+"/z/link/", nil).expect(t, 200, "")
	e.do("DELETE", "/"+testAlias+"/z/link/", nil).expect(t, 400, "InvalidRequest")
	e.do("HEAD", "/"+testAlias+"/z/link/", nil).expect(t, 200, "")
	body := `<Delete><Object><Key>z/link/</Key></Object></Delete>`
	r := e.do("POST", "/"+testAlias+"?delete", strings.NewReader(body), "Content-MD5: "+md5b64(body))
	if !strings.Contains(r.body, "<Error><Key>z/link/</Key><Code>InvalidRequest</Code>") {
		t.Errorf("DeleteObjects of z/link/: %s", r.body)
	}
	e.do("DELETE", "/"+testAlias+"/z/link", nil).expect(t, 204, "")
	e.do("HEAD", "/"+testAlias+"/z/link/", nil).expect(t, 404, "")
	e.do("HEAD", "/"+testAlias+"/target/", nil).expect(t, 200, "")
}
