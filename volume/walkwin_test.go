package volume

import "testing"

// TestKeyArena: keys handed out stay as they were while later ones are
// appended, and a key the arena was not sized for is a string of its own.
func TestKeyArena(t *testing.T) {
	a := newKeyArena(len("d/a") + len("d/bb/"))
	steps := []struct{ dir, name, suffix, want string }{
		{"d/", "a", "", "d/a"},
		{"d/", "bb", "/", "d/bb/"},
		{"d/", "ccc", "", "d/ccc"}, // past the arena's size
		{"", "", "", ""},
	}
	var got []string
	for _, s := range steps {
		got = append(got, a.key(s.dir, s.name, s.suffix))
	}
	for i, s := range steps {
		if got[i] != s.want {
			t.Errorf("key %d: %q, want %q", i, got[i], s.want)
		}
	}
	if len(a.b) != cap(a.b) {
		t.Errorf("arena used %d of %d bytes", len(a.b), cap(a.b))
	}
}

// TestWindowPool: a window comes back zeroed, whatever it held.
func TestWindowPool(t *testing.T) {
	for _, n := range []int{1, minWindow, maxWindow} {
		w := newWindow(n)
		if len(w) != n {
			t.Fatalf("window of %d has %d", n, len(w))
		}
		for i := range w {
			w[i] = Info{Key: "k", Meta: &Meta{}}
		}
		freeWindow(w)
		for _, in := range newWindow(n) {
			if in.Key != "" || in.Meta != nil {
				t.Fatalf("window of %d reused with %+v", n, in)
			}
		}
	}
}
