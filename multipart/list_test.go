package multipart

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// listFixture creates uploads for keys in the order given, a second apart,
// so "k#2" is k's second upload. Access point "other" has a decoy.
func listFixture(t *testing.T, keys ...string) (*Store, map[string]string) {
	s := newStore(t)
	ids := map[string]string{}
	for i, k := range keys {
		u, err := s.Create(Upload{AccessPoint: "ap", Key: k, Initiated: t0.Add(time.Duration(i) * time.Second)})
		if err != nil {
			t.Fatal(err)
		}
		name := k
		for j := 2; ids[name] != ""; j++ {
			name = fmt.Sprintf("%s#%d", k, j)
		}
		ids[name] = u.ID
	}
	if _, err := s.Create(Upload{AccessPoint: "other", Key: "a"}); err != nil {
		t.Fatal(err)
	}
	return s, ids
}

// render shows a page as "key key#2 CP/ ... | truncated".
func render(r ListResult, ids map[string]string) string {
	name := map[string]string{}
	for n, id := range ids {
		name[id] = n
	}
	var out []string
	for _, u := range r.Uploads {
		out = append(out, name[u.ID])
	}
	for _, cp := range r.CommonPrefixes {
		out = append(out, "CP:"+cp)
	}
	s := strings.Join(out, " ")
	if r.IsTruncated {
		s += " | more"
	}
	return s
}

func TestListTable(t *testing.T) {
	// Created out of key order, with "a" twice: order must be by key bytes
	// ("a-b" < "a/b" < "a0"), then by initiation.
	s, ids := listFixture(t, "a0", "a", "a/b", "a-b", "b/c/d", "a", "b/x", "c")
	for _, c := range []struct {
		o    ListOptions
		want string
	}{
		{ListOptions{}, "a a#2 a-b a/b a0 b/c/d b/x c"},
		{ListOptions{MaxUploads: 3}, "a a#2 a-b | more"},
		{ListOptions{KeyMarker: "a"}, "a-b a/b a0 b/c/d b/x c"},
		{ListOptions{KeyMarker: "a", UploadIDMarker: ids["a"]}, "a#2 a-b a/b a0 b/c/d b/x c"},
		{ListOptions{KeyMarker: "a", UploadIDMarker: ids["a#2"], MaxUploads: 2}, "a-b a/b | more"},
		{ListOptions{Prefix: "a"}, "a a#2 a-b a/b a0"},
		{ListOptions{Prefix: "b/"}, "b/c/d b/x"},
		{ListOptions{Delimiter: "/"}, "a a#2 a-b a0 c CP:a/ CP:b/"},
		{ListOptions{Prefix: "b/", Delimiter: "/"}, "b/x CP:b/c/"},
		{ListOptions{Delimiter: "/", MaxUploads: 4}, "a a#2 a-b CP:a/ | more"},
		{ListOptions{Delimiter: "/", KeyMarker: "a/"}, "a0 c CP:b/"},
		{ListOptions{Delimiter: "/", KeyMarker: "b/", MaxUploads: 1}, "c"},
		{ListOptions{Delimiter: "-"}, "a a#2 a/b a0 b/c/d b/x c CP:a-"},
		{ListOptions{Prefix: "zzz"}, ""},
	} {
		r, err := s.List("ap", c.o)
		if got := render(r, ids); err != nil || got != c.want {
			t.Errorf("List(%+v) = %q %v, want %q", c.o, got, err, c.want)
		}
	}
}

// Following Next markers page by page must visit everything exactly once,
// whatever the page size.
func TestListPagination(t *testing.T) {
	keys := []string{"a", "a", "a", "a/1", "a/2", "a0", "b", "b/c", "c", "c"}
	s, _ := listFixture(t, keys...)
	for _, delim := range []string{"", "/"} {
		full, _ := s.List("ap", ListOptions{Delimiter: delim})
		want := entries(full)
		slices.Sort(want)
		for max := 1; max <= 4; max++ {
			var got []string
			o := ListOptions{Delimiter: delim, MaxUploads: max}
			for range 20 {
				r, err := s.List("ap", o)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, entries(r)...)
				if !r.IsTruncated {
					break
				}
				o.KeyMarker, o.UploadIDMarker = r.NextKeyMarker, r.NextUploadIDMarker
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("delim %q max %d: %v, want %v", delim, max, got, want)
			}
		}
	}
}

// entries flattens a page, uploads then prefixes; callers sort.
func entries(r ListResult) []string {
	var out []string
	for _, u := range r.Uploads {
		out = append(out, u.Key+"@"+u.ID)
	}
	return append(out, r.CommonPrefixes...)
}

// A marker naming an upload that is gone still positions the listing,
// because IDs carry their initiation time.
func TestListMarkerOfRemovedUpload(t *testing.T) {
	s, ids := listFixture(t, "k", "k", "k")
	s.Remove(ids["k#2"])
	r, _ := s.List("ap", ListOptions{KeyMarker: "k", UploadIDMarker: ids["k#2"]})
	if got := render(r, ids); got != "k#3" {
		t.Errorf("got %q", got)
	}
}
