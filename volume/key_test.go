package volume

import (
	"strings"
	"testing"
)

func TestParseKey(t *testing.T) {
	long := strings.Repeat("a", 255)
	for _, tc := range []struct {
		key    string
		ok     bool
		dir    bool
		parent string // "" when top level
		base   string
	}{
		{"a", true, false, "", "a"},
		{"a/b/c", true, false, "a/b/", "c"},
		{"a/b/", true, true, "a/", "b"},
		{"dir/", true, true, "", "dir"},
		{"a\\b", true, false, "", "a\\b"},             // backslash is a byte
		{"caf\u00e9", true, false, "", "caf\u00e9"},   // NFC
		{"cafe\u0301", true, false, "", "cafe\u0301"}, // NFD: a different key
		{"with space/~tilde", true, false, "with space/", "~tilde"},
		{"...", true, false, "", "..."},
		{".hidden", true, false, "", ".hidden"},
		{long + "/" + long, true, false, long + "/", long},
		{strings.Repeat("a/", 512), true, true, strings.Repeat("a/", 511), "a"},
		{"", false, false, "", ""},
		{"/a", false, false, "", ""},
		{"/", false, false, "", ""},
		{"a//b", false, false, "", ""},
		{"a//", false, false, "", ""},
		{".", false, false, "", ""},
		{"..", false, false, "", ""},
		{"a/./b", false, false, "", ""},
		{"a/../b", false, false, "", ""},
		{"../a", false, false, "", ""},
		{"a/..", false, false, "", ""},
		{"a/../", false, false, "", ""},
		{"a\x00b", false, false, "", ""},
		{long + "a", false, false, "", ""},
		{strings.Repeat("a", 1025), false, false, "", ""},
		{strings.Repeat("a/", 512) + "b", false, false, "", ""}, // 1025 bytes
		{"\xff", false, false, "", ""},
		{".fsxd-tmp-x", false, false, "", ""},
		{"a/.fsxd-tmp-x/b", false, false, "", ""},
	} {
		p, err := ParseKey(tc.key)
		if (err == nil) != tc.ok {
			t.Errorf("ParseKey(%q) error %v, want ok=%v", tc.key, err, tc.ok)
			continue
		}
		if !tc.ok {
			if _, isKE := err.(*KeyError); !isKE {
				t.Errorf("ParseKey(%q) error %T, want *KeyError", tc.key, err)
			}
			continue
		}
		parent, hasParent := p.Parent()
		if p.String() != tc.key || p.IsDir() != tc.dir || p.Base() != tc.base ||
			hasParent != (tc.parent != "") || (hasParent && parent.String() != tc.parent) {
			t.Errorf("ParseKey(%q) = %q dir=%v base=%q parent=%q,%v", tc.key,
				p.String(), p.IsDir(), p.Base(), parent.String(), hasParent)
		}
	}
}

func FuzzParseKey(f *testing.F) {
	for _, s := range []string{"a", "a/b/", "a//b", "../x", "a/./b", "é/\\", "a\x00", "/", ".fsxd-tmp-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, key string) {
		p, err := ParseKey(key)
		if err != nil {
			return
		}
		if p.String() != key {
			t.Fatalf("round trip %q -> %q", key, p.String())
		}
		for seg := range strings.SplitSeq(p.rel, "/") {
			if seg == "" || seg == "." || seg == ".." {
				t.Fatalf("accepted %q with segment %q", key, seg)
			}
		}
		if q, ok := p.Parent(); ok {
			if _, err := ParseKey(q.String()); err != nil || !q.IsDir() {
				t.Fatalf("parent %q of %q: %v", q, key, err)
			}
			if q.String()+p.Base()+map[bool]string{true: "/"}[p.IsDir()] != key {
				t.Fatalf("parent %q + base %q != %q", q, p.Base(), key)
			}
		}
	})
}
