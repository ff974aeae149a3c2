package s3api

import (
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/volume"
)

// snapEnv is trickyEnv with two snapshots, "a" and "a-b" ("a-b/" sorts
// before "a/"), each a directory with files, and a ".zfs" directory made
// beside S3 in the live volume.
func snapEnv(t *testing.T) *env {
	e := trickyEnv(t)
	snaps := map[string][]string{"a": {"x.txt", "d/y.txt"}, "a-b": {"z.txt"}}
	roots := map[string]*volume.Root{}
	for name, files := range snaps {
		dir := filepath.Join(t.TempDir(), name)
		for _, f := range files {
			os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o755)
			if err := os.WriteFile(filepath.Join(dir, f), []byte(name+":"+f), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		r, err := volume.OpenRoot(dir, volume.Options{NoFsync: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close() })
		roots[name] = r
	}
	e.ap.Snapshot = func(name string) (*volume.Root, error) {
		if r := roots[name]; r != nil {
			return r, nil
		}
		return nil, awserr.NoSuchKey.Err("")
	}
	e.ap.SnapshotNames = func() ([]string, error) { return []string{"a", "a-b"}, nil }
	os.MkdirAll(filepath.Join(e.vol, ".zfs", "beside"), 0o755)
	os.WriteFile(filepath.Join(e.vol, ".zfs", "beside", "f"), []byte("x"), 0o644)
	return e
}

func TestListSnapDir(t *testing.T) {
	e := snapEnv(t)
	for _, c := range []struct {
		query          string
		keys, prefixes []string
	}{
		{"delimiter=/", nil, nil}, // checked below: no .zfs anywhere
		{"prefix=.zfs/&delimiter=/", nil, []string{".zfs/snapshot/"}},
		{"prefix=.zfs/snapshot/&delimiter=/", nil, []string{".zfs/snapshot/a-b/", ".zfs/snapshot/a/"}},
		{"prefix=.zfs/snapshot/a&delimiter=/", nil, []string{".zfs/snapshot/a-b/", ".zfs/snapshot/a/"}},
		{"prefix=.zfs/snapshot/a/&delimiter=/", []string{".zfs/snapshot/a/x.txt"}, []string{".zfs/snapshot/a/d/"}},
		{"prefix=.zfs/", []string{".zfs/snapshot/a-b/z.txt", ".zfs/snapshot/a/d/y.txt", ".zfs/snapshot/a/x.txt"}, nil},
		{"prefix=.zfs/snapshot/a/d", []string{".zfs/snapshot/a/d/y.txt"}, nil},
		{"prefix=.zfs/snapshot/nosuch/", nil, nil},
		{"prefix=.zfs/&start-after=.zfs/snapshot/a-b/z.txt", []string{".zfs/snapshot/a/d/y.txt", ".zfs/snapshot/a/x.txt"}, nil},
	} {
		l, _ := e.list("list-type=2&" + c.query)
		if c.query == "delimiter=/" {
			if slices.ContainsFunc(append(l.Keys, l.Prefixes...), func(k string) bool { return strings.HasPrefix(k, ".zfs") }) {
				t.Errorf("listing without .zfs/ prefix shows it: %q %q", l.Keys, l.Prefixes)
			}
			continue
		}
		if !slices.Equal(l.Keys, c.keys) || !slices.Equal(l.Prefixes, c.prefixes) {
			t.Errorf("%s:\n keys %q, want %q\n prefixes %q, want %q", c.query, l.Keys, c.keys, l.Prefixes, c.prefixes)
		}
	}
	if l, _ := e.list("list-type=2"); slices.ContainsFunc(l.Keys, func(k string) bool { return strings.HasPrefix(k, ".zfs") }) {
		t.Errorf("full listing shows .zfs: %q", l.Keys)
	}
}

// TestListSnapDirPages: page by page, the .zfs listing is the single page.
func TestListSnapDirPages(t *testing.T) {
	e := snapEnv(t)
	for _, q := range []string{"prefix=.zfs/", "prefix=.zfs/snapshot/&delimiter=/", "prefix=.zfs/snapshot/a/&delimiter=/"} {
		full, _ := e.list("list-type=2&" + q)
		var keys, prefixes []string
		tok := ""
		for n := 0; n < 20; n++ {
			qq := "list-type=2&max-keys=1&" + q
			if tok != "" {
				qq += "&continuation-token=" + url.QueryEscape(tok)
			}
			l, _ := e.list(qq)
			keys, prefixes = append(keys, l.Keys...), append(prefixes, l.Prefixes...)
			if !l.IsTruncated {
				break
			}
			tok = l.NextToken
		}
		if !slices.Equal(keys, full.Keys) || !slices.Equal(prefixes, full.Prefixes) {
			t.Errorf("%s: pages %q %q, want %q %q", q, keys, prefixes, full.Keys, full.Prefixes)
		}
	}
}

// TestCopyFromSnapshot restores a file from a snapshot with CopyObject,
// to the same key it has in the snapshot; writes under .zfs are refused.
func TestCopyFromSnapshot(t *testing.T) {
	e := snapEnv(t)
	e.put("x.txt", "live")
	r := e.do("PUT", "/"+testAlias+"/x.txt", nil, "x-amz-copy-source: "+testAlias+"/.zfs/snapshot/a/x.txt")
	if r.status != 200 {
		t.Fatalf("CopyObject from a snapshot: %d %s", r.status, r.body)
	}
	if got := e.do("GET", "/"+testAlias+"/x.txt", nil); got.body != "a:x.txt" {
		t.Errorf("restored x.txt = %q", got.body)
	}
	for i, c := range []struct{ method, path, header string }{
		{"PUT", "/.zfs/snapshot/a/x.txt", "x-amz-copy-source: " + testAlias + "/b.txt"},
		{"PUT", "/.zfs/snapshot/a/new", ""},
		{"POST", "/.zfs/snapshot/a/new?uploads", ""},
		{"DELETE", "/.zfs/snapshot/a/x.txt", ""},
	} {
		var hs []string
		if c.header != "" {
			hs = append(hs, c.header)
		}
		r := e.do(c.method, "/"+testAlias+c.path, strings.NewReader(""), hs...)
		if r.status != 403 || !strings.Contains(r.body, "<Code>AccessDenied</Code>") {
			t.Errorf("case %s %s %s: %d %s", strconv.Itoa(i), c.method, c.path, r.status, r.body)
		}
	}
	if got := e.do("GET", "/"+testAlias+"/.zfs/snapshot/a/x.txt", nil); got.body != "a:x.txt" {
		t.Errorf("snapshot x.txt after refused writes = %q", got.body)
	}
	// UploadPartCopy reads a snapshot's file as CopyObject does.
	id := e.createUpload("from-snap")
	e.do("PUT", "/"+testAlias+"/from-snap?partNumber=1&uploadId="+id, nil,
		"x-amz-copy-source: /"+testAlias+"/.zfs/snapshot/a-b/z.txt").expect(t, 200, "")
	e.do("PUT", "/"+testAlias+"/from-snap?partNumber=2&uploadId="+id, nil,
		"x-amz-copy-source: /"+testAlias+"/.zfs/snapshot/nosuch/z.txt").expect(t, 404, "NoSuchKey")
}
