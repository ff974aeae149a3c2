package secret

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
)

// TestDigest: a digest is stable for one key, purpose and value, differs
// when any of them differs, and shows neither the value nor its unkeyed
// hash.
func TestDigest(t *testing.T) {
	a, b := newBox(t, 1), newBox(t, 2)
	const pw = "Passw0rd-Secret"
	d := a.Digest("p", pw)
	unkeyed := sha256.Sum256([]byte(pw))
	for _, c := range []struct {
		name  string
		other string
		same  bool
	}{
		{"same key, purpose and value", a.Digest("p", pw), true},
		{"another value", a.Digest("p", pw+"x"), false},
		{"another purpose", a.Digest("q", pw), false},
		{"purpose and value run together", a.Digest("pP", "assw0rd-Secret"), false},
		{"another master key", b.Digest("p", pw), false},
	} {
		if (c.other == d) != c.same {
			t.Errorf("%s: %s vs %s, want same=%v", c.name, c.other, d, c.same)
		}
	}
	for _, leak := range []string{pw, hex.EncodeToString(unkeyed[:]), base64.RawStdEncoding.EncodeToString(unkeyed[:])} {
		if strings.Contains(d, leak) {
			t.Errorf("digest %s contains %s", d, leak)
		}
	}
	if !strings.HasPrefix(d, "d1:"+a.KeyID()+":") {
		t.Errorf("digest %s does not name its key %s", d, a.KeyID())
	}
}
