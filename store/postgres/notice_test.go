package postgres

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/fsxd/fsxd/store"
)

func ref(kind, key string) store.Ref { return store.Ref{Kind: kind, Key: key} }

func TestNotice(t *testing.T) {
	long := strings.Repeat("k", maxNotice)
	many := make([]store.Ref, 800) // records that do not fit, their kind does
	for i := range many {
		many[i] = ref("iam-user", strings.Repeat("u", 8)+string(rune('a'+i%26))+strings.Repeat("x", i/26))
	}
	tests := []struct {
		w    written
		want string
		c    store.Change // parsed back
	}{
		{written{kinds: []string{"iam-user"}}, "n1:iam-user", store.Change{Kinds: []string{"iam-user"}}},
		{written{kinds: []string{"volume", "iam-key"}}, "n1:volume,iam-key", store.Change{Kinds: []string{"volume", "iam-key"}}},
		{written{kinds: []string{"iam-user"}, refs: []store.Ref{ref("iam-user", "alice")}},
			"n1:iam-user,iam-user=alice", store.Change{Refs: []store.Ref{ref("iam-user", "alice")}}},
		// IAM names may hold , = and @; keys are escaped.
		{written{kinds: []string{"iam-user", "volume"}, refs: []store.Ref{ref("iam-user", "a,b=c@d:e"), ref("volume", "fsvol-1")}},
			"n1:iam-user,volume,iam-user=a%2Cb%3Dc%40d%3Ae,volume=fsvol-1",
			store.Change{Refs: []store.Ref{ref("iam-user", "a,b=c@d:e"), ref("volume", "fsvol-1")}}},
		{written{kinds: []string{"iam-user"}, over: true}, "n1:iam-user", store.Change{Kinds: []string{"iam-user"}}},
		{written{kinds: []string{"iam-user"}, refs: many}, "n1:iam-user", store.Change{Kinds: []string{"iam-user"}}},
		{written{kinds: []string{"a,b"}}, "n1", store.Change{}}, // a separator in a name: everything changed
		{written{kinds: []string{"a:b"}}, "n1", store.Change{}},
		{written{kinds: []string{"a=b"}}, "n1", store.Change{}},
		{written{kinds: []string{""}}, "n1", store.Change{}},
		{written{kinds: []string{long}}, "n1", store.Change{}}, // over NOTIFY's limit
	}
	for _, tc := range tests {
		got := notice("n1", tc.w)
		if got != tc.want {
			t.Errorf("notice(n1, %.40v) = %.60q, want %q", tc.w, got, tc.want)
		}
		id, c, known := parseNotice(got)
		if id != "n1" || known != (got != "n1") || !reflect.DeepEqual(c, tc.c) {
			t.Errorf("parseNotice(%.60q) = %q, %+v, %v; want %+v", got, id, c, known, tc.c)
		}
	}
}

// TestParseNoticeOld: what nodes of older versions send, the node id
// alone, and anything malformed mean "anything may have changed"; kinds
// alone (the previous version) mean any record of them.
func TestParseNoticeOld(t *testing.T) {
	for _, p := range []string{"0123456789abcdef", "", "n1:", "n1:a,,b", "n1:a,", "n1:a,=k", "n1:a,a=%zz"} {
		if _, c, known := parseNotice(p); known || !reflect.DeepEqual(c, store.Change{}) {
			t.Errorf("parseNotice(%q) = %+v, %v; want unknown", p, c, known)
		}
	}
	if _, c, known := parseNotice("n1:volume,iam-key"); !known || !slices.Equal(c.Kinds, []string{"volume", "iam-key"}) || c.Refs != nil {
		t.Errorf("previous version's notice parses to %+v, %v", c, known)
	}
}

// TestNoticeReadByPreviousVersion: a node of the previous version splits
// the list on commas and drops caches of every kind it finds, so the bare
// kinds must all be there.
func TestNoticeReadByPreviousVersion(t *testing.T) {
	w := written{kinds: []string{"iam-user", "iam-group"}, refs: []store.Ref{ref("iam-user", "a,b"), ref("iam-group", "g")}}
	_, list, _ := strings.Cut(notice("n1", w), ":")
	got := strings.Split(list, ",")
	for _, k := range w.kinds {
		if !slices.Contains(got, k) {
			t.Errorf("previous version reads %q: kind %s missing", got, k)
		}
	}
}

// FuzzNotice: whatever parses lists only non-empty kinds and an id
// without a colon, and a notice of what was parsed parses back to it
// (unless it had to fall back to less).
func FuzzNotice(f *testing.F) {
	for _, s := range []string{"n1", "n1:iam-user", "n1:volume,iam-key", "n1:", "n1:a,,b", ":a", "n1:a,a=x%2Cy", "n1:a=b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		id, c, known := parseNotice(p)
		if !known {
			return
		}
		if strings.Contains(id, ":") {
			t.Fatalf("parseNotice(%q): id %q", p, id)
		}
		var w written
		for _, k := range c.Kinds {
			if k == "" || strings.ContainsAny(k, ",=") {
				t.Fatalf("parseNotice(%q): kind %q", p, k)
			}
			w.note(k, "")
		}
		w.refs = nil
		for _, r := range c.Refs {
			if r.Kind == "" || strings.ContainsAny(r.Kind, ",=") {
				t.Fatalf("parseNotice(%q): record %q", p, r)
			}
			w.note(r.Kind, r.Key)
		}
		if len(c.Kinds) > 0 && len(c.Refs) > 0 {
			return // kinds wholesale next to records: not what one commit announces
		}
		if len(c.Kinds) > 0 {
			w.over = true
		}
		if again := notice(id, w); again != id {
			_, back, ok := parseNotice(again)
			if !ok || !sameChange(back, c) && !slices.Equal(back.Kinds, w.kinds) {
				t.Fatalf("notice(%q, %+v) = %q parses to %+v, %v", id, w, again, back, ok)
			}
		}
	})
}

// sameChange compares changes as sets.
func sameChange(a, b store.Change) bool {
	return a.All == b.All && sameSet(a.Kinds, b.Kinds) && sameSet(a.Refs, b.Refs)
}

func sameSet[T comparable](a, b []T) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			return false
		}
	}
	return true
}
