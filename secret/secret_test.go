package secret

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func newBox(t *testing.T, b byte) *Box {
	t.Helper()
	key := make([]byte, KeySize)
	for i := range key {
		key[i] = b
	}
	box, err := New(key)
	if err != nil {
		t.Fatal(err)
	}
	return box
}

func TestRoundTrip(t *testing.T) {
	box := newBox(t, 1)
	for _, plain := range []string{"", "x", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", strings.Repeat("é", 300)} {
		sealed := box.Seal(plain, "AKIAEXAMPLE")
		if len(plain) > 8 && strings.Contains(sealed, plain) {
			t.Errorf("sealed value %q contains the plaintext", sealed)
		}
		got, err := box.Open(sealed, "AKIAEXAMPLE")
		if err != nil || got != plain {
			t.Errorf("Open(Seal(%q)) = %q, %v", plain, got, err)
		}
	}
}

func TestSealIsRandomized(t *testing.T) {
	box := newBox(t, 1)
	if a, b := box.Seal("s", "k"), box.Seal("s", "k"); a == b {
		t.Errorf("two seals of the same secret are equal: %s", a)
	}
}

// TestTamper seals many times: the last character of a 38-byte value
// carries two bits the value does not use, so a flip there went unnoticed
// for about one random nonce in sixteen until Open decoded strictly.
func TestTamper(t *testing.T) {
	box := newBox(t, 1)
	for range 200 {
		testTamper(t, box, box.Seal("top secret", "AKIA1"))
	}
}

func testTamper(t *testing.T, box *Box, sealed string) {
	t.Helper()
	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	bad := map[string]string{
		"empty":         "",
		"no version":    strings.TrimPrefix(sealed, "v1:"),
		"other version": "v2" + sealed[2:],
		"truncated":     sealed[:len(sealed)-4],
		"short":         sealed[:16],
		"last byte":     flip(sealed, len(sealed)-1),
		"first data":    flip(sealed, len("v1:")+9),
		"middle":        flip(sealed, len(sealed)-20),
		"bad base64":    sealed + "!",
	}
	for name, s := range bad {
		if _, err := box.Open(s, "AKIA1"); !errors.Is(err, ErrOpen) {
			t.Errorf("%s: Open = %v, want ErrOpen", name, err)
		}
	}
	if _, err := box.Open(sealed, "AKIA2"); !errors.Is(err, ErrOpen) {
		t.Errorf("other AAD: Open = %v, want ErrOpen", err)
	}
}

func TestWrongKey(t *testing.T) {
	sealed := newBox(t, 1).Seal("top secret", "AKIA1")
	other := newBox(t, 2)
	_, err := other.Open(sealed, "AKIA1")
	if !errors.Is(err, ErrOpen) || !strings.Contains(err.Error(), "master key") {
		t.Fatalf("Open under another key = %v, want ErrOpen naming the master key", err)
	}
	// Even with the fingerprint forged, GCM refuses.
	forged := strings.Replace(sealed, newBox(t, 1).KeyID(), other.KeyID(), 1)
	if _, err := other.Open(forged, "AKIA1"); !errors.Is(err, ErrOpen) {
		t.Fatalf("Open with forged key id = %v, want ErrOpen", err)
	}
	if err != nil && strings.Contains(err.Error(), "top secret") {
		t.Fatal("error leaks the plaintext")
	}
}

func TestNewKeySize(t *testing.T) {
	if _, err := New(make([]byte, 16)); err == nil {
		t.Fatal("New accepted a 16-byte key")
	}
}

func TestLoadOrCreate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "master.key")
	a, err := LoadOrCreate(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("mode %04o, want 0600", perm)
	}
	b, err := LoadOrCreate(path)
	if err != nil {
		t.Fatal(err)
	}
	if a.KeyID() != b.KeyID() {
		t.Fatal("reloading produced another key")
	}
	got, err := b.Open(a.Seal("s", "k"), "k")
	if err != nil || got != "s" {
		t.Fatalf("value sealed before restart: %q, %v", got, err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the key file", len(entries))
	}
}

func TestLoadOrCreateConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "master.key")
	ids := make([]string, 8)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			box, err := LoadOrCreate(path)
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = box.KeyID()
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("concurrent starts disagree on the key: %v", ids)
		}
	}
}

func TestLoadRefuses(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(p, mode)
		return p
	}
	good := strings.Repeat("ab", KeySize) + "\n"
	for name, path := range map[string]string{
		"world readable": write("a", good, 0o644),
		"short":          write("b", "abcd\n", 0o600),
		"not hex":        write("c", strings.Repeat("zz", KeySize), 0o600),
	} {
		if _, err := LoadOrCreate(path); err == nil {
			t.Errorf("%s: LoadOrCreate accepted it", name)
		}
	}
	if _, err := LoadOrCreate(write("d", good, 0o640)); err != nil {
		t.Errorf("group-readable key refused: %v", err)
	}
}
