package postgres

import (
	"slices"
	"strings"
	"testing"
)

func TestNotice(t *testing.T) {
	long := strings.Repeat("k", maxNotice)
	tests := []struct {
		kinds []string
		want  string
	}{
		{[]string{"iam-user"}, "n1:iam-user"},
		{[]string{"volume", "iam-key"}, "n1:volume,iam-key"},
		{[]string{"a,b"}, "n1"}, // a separator in a name: everything changed
		{[]string{"a:b"}, "n1"},
		{[]string{""}, "n1"},
		{[]string{long}, "n1"}, // over NOTIFY's limit
	}
	for _, tc := range tests {
		got := notice("n1", tc.kinds)
		if got != tc.want {
			t.Errorf("notice(n1, %.20q) = %.40q, want %q", tc.kinds, got, tc.want)
		}
		id, kinds, known := parseNotice(got)
		if id != "n1" || known != (got != "n1") || known && !slices.Equal(kinds, tc.kinds) {
			t.Errorf("parseNotice(%.40q) = %q, %.20q, %v", got, id, kinds, known)
		}
	}
}

// TestParseNoticeOld: what nodes of older versions send, the node id
// alone, and anything malformed mean "anything may have changed".
func TestParseNoticeOld(t *testing.T) {
	for _, p := range []string{"0123456789abcdef", "", "n1:", "n1:a,,b", "n1:a,"} {
		if _, kinds, known := parseNotice(p); known || kinds != nil {
			t.Errorf("parseNotice(%q) = %q, %v; want unknown kinds", p, kinds, known)
		}
	}
}

// FuzzNotice: whatever parses lists only non-empty kinds without commas
// and an id without a colon, and a notice of those kinds parses back to
// them (unless it had to fall back to "everything changed").
func FuzzNotice(f *testing.F) {
	for _, s := range []string{"n1", "n1:iam-user", "n1:volume,iam-key", "n1:", "n1:a,,b", ":a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		id, kinds, known := parseNotice(p)
		if !known {
			return
		}
		for _, k := range kinds {
			if k == "" || strings.Contains(k, ",") {
				t.Fatalf("parseNotice(%q): kind %q", p, k)
			}
		}
		if strings.Contains(id, ":") {
			t.Fatalf("parseNotice(%q): id %q", p, id)
		}
		if again := notice(id, kinds); again != id {
			_, back, ok := parseNotice(again)
			if !ok || !slices.Equal(back, kinds) {
				t.Fatalf("notice(%q, %q) = %q parses to %q, %v", id, kinds, again, back, ok)
			}
		}
	})
}
