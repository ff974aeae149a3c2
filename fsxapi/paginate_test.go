package fsxapi

import (
	"slices"
	"strings"
	"testing"
)

// TestPaginateLongKeys walks every page of keys as long as a tag key may
// be (128 characters, up to 4 bytes each): every NextToken fits the
// 255 characters a client may send back, and the pages hold every key
// once, in order.
func TestPaginateLongKeys(t *testing.T) {
	id := func(s string) string { return s }
	for _, tc := range []struct {
		name string
		keys []string
	}{
		{"short", []string{"a", "b", "c", "d"}},
		{"ascii-128", []string{strings.Repeat("a", 128), strings.Repeat("a", 127) + "b", strings.Repeat("b", 128)}},
		{"shared-prefix", []string{strings.Repeat("x", 100) + "1", strings.Repeat("x", 100) + "2", strings.Repeat("x", 100) + "3"}},
		{"4-byte", []string{strings.Repeat("𝄞", 128), strings.Repeat("𝄞", 127) + "𝄟", strings.Repeat("é", 128)}},
		{"cut-inside-rune", []string{"a" + strings.Repeat("€", 60), "a" + strings.Repeat("€", 61)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			keys := slices.Clone(tc.keys)
			slices.Sort(keys)
			one := int64(1)
			var got []string
			var token *string
			for range len(keys) + 1 {
				pg, err := paginate("Op", "q", keys, id, &one, token)
				if err != nil {
					t.Fatalf("page after %d keys: %v", len(got), err)
				}
				got = append(got, pg.Items...)
				if pg.Next == nil {
					break
				}
				if n := len([]rune(*pg.Next)); n > 255 {
					t.Fatalf("NextToken is %d characters, a client may send at most 255", n)
				}
				token = pg.Next
			}
			if !slices.Equal(got, keys) {
				t.Fatalf("pages held %q, want %q", got, keys)
			}
		})
	}
}

// TestPaginateKeyGone: when the key a token names is deleted between
// pages, the next page may repeat keys but skips none.
func TestPaginateKeyGone(t *testing.T) {
	id := func(s string) string { return s }
	long := strings.Repeat("k", 100)
	keys := []string{long + "1", long + "2", long + "3", long + "4"}
	two := int64(2)
	pg, err := paginate("Op", "q", keys, id, &two, nil)
	if err != nil || pg.Next == nil {
		t.Fatalf("first page: %v, next %v", err, pg.Next)
	}
	for _, tc := range []struct {
		name  string
		items []string
		want  []string
	}{
		{"unchanged", keys, keys[2:]},
		{"last key gone", []string{keys[0], keys[2], keys[3]}, []string{keys[0], keys[2]}},
	} {
		next, err := paginate("Op", "q", tc.items, id, &two, pg.Next)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !slices.Equal(next.Items, tc.want) {
			t.Errorf("%s: next page %q, want %q", tc.name, next.Items, tc.want)
		}
	}
}

// TestPaginateTokenRefused: a token altered, or one from another query or
// operation, is BadRequest.
func TestPaginateTokenRefused(t *testing.T) {
	id := func(s string) string { return s }
	keys := []string{strings.Repeat("a", 90), strings.Repeat("b", 90)}
	one := int64(1)
	pg, err := paginate("Op", "q", keys, id, &one, nil)
	if err != nil || pg.Next == nil {
		t.Fatalf("first page: %v", err)
	}
	forged := encodeToken("Op", "q", "")
	for name, try := range map[string]func() error{
		"other query": func() error { _, err := paginate("Op", "r", keys, id, &one, pg.Next); return err },
		"other op":    func() error { _, err := paginate("Other", "q", keys, id, &one, pg.Next); return err },
		"altered": func() error {
			b := []byte(*pg.Next)
			b[10] ^= 1
			s := string(b)
			_, err := paginate("Op", "q", keys, id, &one, &s)
			return err
		},
		"not base64": func() error { s := "%%%"; _, err := paginate("Op", "q", keys, id, &one, &s); return err },
	} {
		if err := try(); err == nil || !strings.Contains(err.Error(), "NextToken") {
			t.Errorf("%s: err %v, want the NextToken BadRequest", name, err)
		}
	}
	if _, err := paginate("Op", "q", keys, id, &one, forged); err != nil {
		t.Errorf("a token of this query: %v", err)
	}
}
