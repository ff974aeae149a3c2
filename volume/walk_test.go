package volume

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// walkKeys is the tricky key set: "-" and "." sort before "/", "0"
// after; NFC and NFD "é" are distinct keys; a marker ("a/b/") sorts
// before the keys below it.
var walkKeys = []string{
	"a-b", "a.b", "a/b-c", "a/b.c", "a/b/", "a/b/c", "a/b/cd/e", "a/b0", "a0",
	"A", "caf\u00e9", "cafe\u0301", "with space", "with spaces/inner file", "~tilde",
	"z", "a\\b", "é/x", "emptymarker/", "x/y/z/w", "x/y-", "x/y0", "日本/語", "lnk",
}

// walkTree makes walkKeys (lnk: a symlink to a0) plus things never
// listed: a FIFO, a hidden temp file, a directory symlink, a dangling
// one, and a directory alice cannot read.
func walkTree(t *testing.T, e Enforcement) (*FS, []string) {
	r, dir := newRoot(t, optsFor(e))
	f := r.As(rootID)
	for _, k := range walkKeys {
		switch {
		case k == "lnk":
			os.Symlink("a0", filepath.Join(dir, k))
		case strings.HasSuffix(k, "/"):
			if _, err := f.Mkdir(ctx, key(t, k), Meta{}); err != nil {
				t.Fatal(err)
			}
		default:
			mustPut(t, f, k, "data of "+k)
		}
	}
	syscall.Mkfifo(filepath.Join(dir, "a/fifo"), 0o666)
	mkfile(t, dir, "x/"+tempPrefix+"123", 0o644, 0, 0, "temp")
	os.Symlink("a", filepath.Join(dir, "dirlink"))
	os.Symlink("nowhere", filepath.Join(dir, "dangling"))
	mkdir(t, dir, "locked", 0o700, 1002, 2002)
	mkfile(t, dir, "locked/secret", 0o644, 1002, 2002, "s")
	want := slices.Clone(walkKeys)
	slices.Sort(want)
	return r.As(alice), want
}

// expect is the brute-force listing: every key with the prefix after
// startAfter, rolled up at the next "/" when delim.
func expect(keys []string, prefix, startAfter string, delim bool) []string {
	var out []string
	for _, k := range keys {
		if !strings.HasPrefix(k, prefix) || k <= startAfter {
			continue
		}
		if i := strings.IndexByte(k[len(prefix):], '/'); delim && i >= 0 {
			k = "P:" + k[:len(prefix)+i+1]
		}
		if len(out) == 0 || out[len(out)-1] != k {
			out = append(out, k)
		}
	}
	return out
}

func walkAll(t *testing.T, f *FS, o WalkOptions) []string {
	t.Helper()
	var out []string
	err := f.Walk(ctx, o, func(e Entry) error {
		k := e.Key
		if e.IsPrefix {
			k = "P:" + k
		} else if e.Info.Key != e.Key {
			t.Errorf("entry %q has info key %q", e.Key, e.Info.Key)
		}
		out = append(out, k)
		return nil
	})
	if err != nil {
		t.Fatalf("walk %+v: %v", o, err)
	}
	return out
}

func TestWalkOrder(t *testing.T) {
	modes(t, func(t *testing.T, e Enforcement) {
		f, keys := walkTree(t, e)
		golden := []string{"A", "a-b", "a.b", "a/b-c", "a/b.c", "a/b/", "a/b/c", "a/b/cd/e", "a/b0",
			"a0", "a\\b", "cafe\u0301", "caf\u00e9", "emptymarker/", "lnk", "with space",
			"with spaces/inner file", "x/y-", "x/y/z/w", "x/y0", "z", "~tilde", "é/x", "日本/語"}
		if got := walkAll(t, f, WalkOptions{}); !slices.Equal(got, golden) {
			t.Fatalf("order:\n got %q\nwant %q", got, golden)
		}
		starts := []string{""}
		for _, k := range keys {
			starts = append(starts, k, k[:len(k)-1], k+"0", k+"\xff")
		}
		starts = append(starts, "a/b/c/zz", "a/b/cd/", "x/y/", "x/y/z/", "P", "\xff")
		prefixes := []string{"", "a", "a/", "a/b", "a/b/", "a/b/c", "x/y", "x/", "caf", "with spaces/", "nope/", "é", "a//", "../"}
		for _, prefix := range prefixes {
			for _, sa := range starts {
				for _, delim := range []bool{false, true} {
					o := WalkOptions{Prefix: prefix, StartAfter: sa, Delimiter: delim}
					want := expect(keys, prefix, sa, delim)
					if got := walkAll(t, f, o); !slices.Equal(got, want) {
						t.Fatalf("%q %q delim=%v:\n got %q\nwant %q", o.Prefix, o.StartAfter, o.Delimiter, got, want)
					}
				}
			}
		}
	})
}

// TestWalkPages lists in pages of three, resuming after the last entry
// the way the S3 layer does.
func TestWalkPages(t *testing.T) {
	f, keys := walkTree(t, Kernel)
	for _, delim := range []bool{false, true} {
		var got []string
		sa := ""
		for {
			var page []Entry
			f.Walk(ctx, WalkOptions{StartAfter: sa, Delimiter: delim}, func(e Entry) error {
				page = append(page, e)
				if len(page) == 3 {
					return ErrStopWalk
				}
				return nil
			})
			for _, e := range page {
				got = append(got, map[bool]string{true: "P:"}[e.IsPrefix]+e.Key)
			}
			if len(page) < 3 {
				break
			}
			last := page[len(page)-1]
			sa = last.Key
			if last.IsPrefix {
				sa += "\xff"
			}
		}
		if want := expect(keys, "", "", delim); !slices.Equal(got, want) {
			t.Fatalf("delim=%v pages:\n got %q\nwant %q", delim, got, want)
		}
	}
}

func TestWalkInfoAndSkips(t *testing.T) {
	needRoot(t)
	f, _ := walkTree(t, Kernel)
	seen := map[string]Entry{}
	f.Walk(ctx, WalkOptions{}, func(e Entry) error { seen[e.Key] = e; return nil })
	if e := seen["a/b/"]; !e.Info.IsDir || e.Info.Meta == nil || !e.Info.Meta.DirMarker || e.Info.Size != 0 {
		t.Errorf("marker entry %+v", e)
	}
	if e := seen["a0"]; e.Info.Size != int64(len("data of a0")) || e.Info.Meta == nil || e.Info.Meta.ETag != "etag-a0" {
		t.Errorf("file entry %+v", e)
	}
	if e := seen["lnk"]; e.Info.Ino != seen["a0"].Info.Ino {
		t.Errorf("symlink entry should describe its target: %+v", e)
	}
	root := walkAll(t, f.r.As(rootID), WalkOptions{Prefix: "locked/"})
	if !slices.Equal(root, []string{"locked/secret"}) {
		t.Errorf("root walk of locked/: %v", root)
	}
	// An empty plain directory is a prefix with Delimiter (we do not look
	// inside), and nothing without.
	os.Mkdir(filepath.Join(f.r.Dir(), "plain"), 0o777)
	got := walkAll(t, f, WalkOptions{Prefix: "p", Delimiter: true})
	if !slices.Equal(got, []string{"P:plain/"}) {
		t.Errorf("plain dir with delimiter: %v", got)
	}
	if got := walkAll(t, f, WalkOptions{Prefix: "p"}); len(got) != 0 {
		t.Errorf("plain dir without delimiter: %v", got)
	}
}

func TestWalkStop(t *testing.T) {
	f, _ := walkTree(t, UserSpace)
	n := 0
	err := f.Walk(ctx, WalkOptions{}, func(Entry) error {
		if n++; n == 5 {
			return ErrStopWalk
		}
		return nil
	})
	if err != nil || n != 5 {
		t.Fatalf("stop: n=%d err=%v", n, err)
	}
	boom := fmt.Errorf("boom")
	if err := f.Walk(ctx, WalkOptions{}, func(Entry) error { return boom }); err != boom {
		t.Fatalf("callback error: %v", err)
	}
}

// TestWalkSeekCost: a late page must not stat the keys before it.
func TestWalkSeekCost(t *testing.T) {
	r, _ := newRoot(t, Options{NoFsync: true})
	w := r.As(rootID)
	for d := range 20 {
		for f := range 50 {
			mustPut(t, w, fmt.Sprintf("d%02d/f%02d", d, f), "x")
		}
	}
	stats := 0
	testHookStat = func() { stats++ }
	defer func() { testHookStat = nil }()
	var got []string
	w.Walk(ctx, WalkOptions{StartAfter: "d17/f48"}, func(e Entry) error {
		if got = append(got, e.Key); len(got) == 3 {
			return ErrStopWalk
		}
		return nil
	})
	if !slices.Equal(got, []string{"d17/f49", "d18/f00", "d18/f01"}) || stats > 2*minWindow {
		t.Fatalf("page %v after %d stats", got, stats)
	}
}

// TestWalkWantStats: a page stats the keys it wants and no window more;
// names that are no keys (dangling symlinks "l*") grow the window again.
func TestWalkWantStats(t *testing.T) {
	r, dir := newRoot(t, Options{NoFsync: true})
	w := r.As(rootID)
	for d := range 3 {
		for f := range 40 {
			mustPut(t, w, fmt.Sprintf("d%d/f%02d", d, f), "x")
		}
	}
	for i := range 10 {
		os.Symlink("nowhere", filepath.Join(dir, "d2", fmt.Sprintf("e%02d", i)))
	}
	for _, c := range []struct {
		after    string
		want     int
		first    string // first key listed
		last     string // the want-th key, the page's look-ahead
		maxStats int
		minStats int
	}{
		{"", 41, "d0/f00", "d1/f00", 41, 41},
		{"d0/f37", 5, "d0/f38", "d1/f02", 5, 5},
		{"d1/f39", 3, "d2/f00", "d2/f02", 2 * 13, 13}, // after ten dangling links
		{"d0/f10", 1, "d0/f11", "d0/f11", 1, 1},
	} {
		stats := 0
		testHookStat = func() { stats++ }
		var got []string
		err := w.Walk(ctx, WalkOptions{StartAfter: c.after, Want: c.want}, func(e Entry) error {
			if got = append(got, e.Key); len(got) == c.want {
				return ErrStopWalk
			}
			return nil
		})
		testHookStat = nil
		if err != nil || len(got) != c.want || got[0] != c.first || got[len(got)-1] != c.last || stats > c.maxStats || stats < c.minStats {
			t.Errorf("after %q want %d: %d keys %q…%q, %d stats, err %v", c.after, c.want, len(got), got[0], got[len(got)-1], stats, err)
		}
	}
}
