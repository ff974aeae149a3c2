package volume

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// listInfos lists every key below prefix.
func listInfos(t *testing.T, f *FS, prefix string) map[string]Info {
	t.Helper()
	got := map[string]Info{}
	err := f.Walk(ctx, WalkOptions{Prefix: prefix}, func(e Entry) error {
		got[e.Key] = e.Info
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func etagIn(in Info) string {
	if in.Meta == nil {
		return "synthetic"
	}
	return in.Meta.ETag
}

// TestMetaCacheSeesChanges: a listing served from the Meta cache must
// still show each change made beside S3, whatever it leaves alone: the
// cached entry is checked against the file's ctime, size and mtime. Each
// change is listed right away (ctime not settled) and again once it has
// settled (and may be cached anew), and the cache is shown to be in use.
func TestMetaCacheSeesChanges(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(t *testing.T, f *FS, path string)
		etag   string // listed ETag after the change
		size   int64
	}{
		{"same-size rewrite", func(t *testing.T, _ *FS, p string) {
			writeFile(t, p, "BODY") // mtime moves, size does not: Meta is stale
		}, "synthetic", 4},
		{"xattr change", func(t *testing.T, _ *FS, p string) {
			var st unix.Stat_t
			unix.Stat(p, &st)
			m := &Meta{ETag: "etag-beside", Stamp: stampOf(&st)}
			if err := unix.Setxattr(p, metaXattr, encodeMeta(m), 0); err != nil {
				t.Fatal(err)
			}
		}, "etag-beside", 4},
		{"tagging through S3", func(t *testing.T, f *FS, _ string) {
			_, err := f.SetMeta(ctx, key(t, "m/k"), func(m *Meta) error { m.ETag = "etag-tagged"; return nil })
			if err != nil {
				t.Fatal(err)
			}
		}, "etag-tagged", 4},
		{"xattr removed", func(t *testing.T, _ *FS, p string) {
			if err := unix.Removexattr(p, metaXattr); err != nil {
				t.Fatal(err)
			}
		}, "synthetic", 4},
		{"renamed over", func(t *testing.T, f *FS, p string) {
			mustPut(t, f, "m/other", "longer body")
			if err := os.Rename(filepath.Join(filepath.Dir(p), "other"), p); err != nil {
				t.Fatal(err)
			}
		}, "etag-m/other", 11},
		{"appended", func(t *testing.T, _ *FS, p string) {
			fh, _ := os.OpenFile(p, os.O_WRONLY|os.O_APPEND, 0)
			fh.WriteString("more")
			fh.Close()
		}, "synthetic", 8},
	} {
		t.Run(c.name, func(t *testing.T) {
			shortSlack(t)
			r, dir := newRoot(t, Options{NoFsync: true})
			f := r.As(rootID)
			mustPut(t, f, "m/k", "body")
			settle()
			listInfos(t, f, "m/") // fills the cache
			hits := metas.hits.Load()
			if in := listInfos(t, f, "m/")["m/k"]; etagIn(in) != "etag-m/k" {
				t.Fatalf("before: ETag %s", etagIn(in))
			}
			if metas.hits.Load() == hits {
				t.Fatal("a settled unchanged file was not served from the Meta cache")
			}
			c.change(t, f, filepath.Join(dir, "m", "k"))
			for _, when := range []string{"at once", "settled", "settled again"} {
				in := listInfos(t, f, "m/")["m/k"]
				var st unix.Stat_t
				unix.Stat(filepath.Join(dir, "m", "k"), &st)
				if etagIn(in) != c.etag || in.Size != c.size || !in.ModTime.Equal(time.Unix(st.Mtim.Unix())) {
					t.Errorf("%s: listed ETag %s size %d mtime %v, want %s %d %v", when, etagIn(in), in.Size, in.ModTime, c.etag, c.size, time.Unix(st.Mtim.Unix()))
				}
				settle()
			}
		})
	}
}

func writeFile(t *testing.T, p, body string) {
	t.Helper()
	time.Sleep(2 * time.Millisecond) // a later mtime on coarse clocks too
	fh, err := os.OpenFile(p, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		t.Fatal(err)
	}
	fh.WriteString(body)
	fh.Close()
}

// TestMetaCachePerIdentity: Meta root could read is not served to an
// identity the kernel would refuse the xattr to (a 0600 file of root).
func TestMetaCachePerIdentity(t *testing.T) {
	needRoot(t)
	shortSlack(t)
	r, dir := newRoot(t, Options{NoFsync: true, Enforce: Kernel})
	root := r.As(rootID)
	mustPut(t, root, "p/secret", "x")
	os.Chmod(filepath.Join(dir, "p"), 0o755)
	os.Chmod(filepath.Join(dir, "p", "secret"), 0o600)
	settle()
	for range 2 {
		if in := listInfos(t, root, "p/")["p/secret"]; in.Meta == nil {
			t.Fatal("root lists its file without Meta")
		}
	}
	for range 2 {
		in, ok := listInfos(t, r.As(alice), "p/")["p/secret"]
		if !ok || in.Meta != nil {
			t.Fatalf("alice lists root's 0600 file: listed %v, Meta %v; want listed without Meta", ok, in.Meta)
		}
	}
}

// TestMetaCacheBounded: the cache never counts more than its bound, and
// turning generations keeps serving what is in use.
func TestMetaCacheBounded(t *testing.T) {
	c := newMetaCache(10 * metaCost)
	st := func(ino uint64) *unix.Stat_t {
		return &unix.Stat_t{Dev: 1, Ino: ino, Size: 3, Ctim: unix.Timespec{Sec: 5}, Mtim: unix.Timespec{Sec: 4}}
	}
	m := &Meta{ETag: "e"}
	for i := range uint64(100) {
		c.put(1, st(i), m, 0)
		if c.used > c.max/2 || len(c.cur)+len(c.old) > 10 {
			t.Fatalf("after %d puts: %d bytes in cur, %d+%d entries; bound %d bytes", i+1, c.used, len(c.cur), len(c.old), c.max)
		}
		if got, ok := c.get(1, st(0)); !ok || got != m {
			t.Fatalf("entry 0, read after every put, lost after %d puts", i+1)
		}
	}
	if _, ok := c.get(1, st(99)); !ok {
		t.Fatal("the newest entry is missing")
	}
	if _, ok := c.get(2, st(99)); ok {
		t.Fatal("another identity got the entry")
	}
}

// TestMetaCacheFits is the truth table of serving an entry: any change
// to ctime, mtime or size, or another inode, is a miss.
func TestMetaCacheFits(t *testing.T) {
	base := unix.Stat_t{Dev: 1, Ino: 7, Size: 3, Ctim: unix.Timespec{Sec: 5, Nsec: 1}, Mtim: unix.Timespec{Sec: 4, Nsec: 2}}
	for _, c := range []struct {
		name string
		edit func(st *unix.Stat_t)
		hit  bool
	}{
		{"same", func(*unix.Stat_t) {}, true},
		{"ctime ns", func(st *unix.Stat_t) { st.Ctim.Nsec++ }, false},
		{"ctime s", func(st *unix.Stat_t) { st.Ctim.Sec++ }, false},
		{"mtime", func(st *unix.Stat_t) { st.Mtim.Nsec++ }, false},
		{"size", func(st *unix.Stat_t) { st.Size++ }, false},
		{"inode", func(st *unix.Stat_t) { st.Ino++ }, false},
		{"device", func(st *unix.Stat_t) { st.Dev++ }, false},
		{"mode only", func(st *unix.Stat_t) { st.Mode ^= 0o044 }, true}, // chmod moves ctime too
	} {
		c2 := newMetaCache(1 << 20)
		c2.put(1, &base, &Meta{ETag: "e"}, 10)
		st := base
		c.edit(&st)
		if _, ok := c2.get(1, &st); ok != c.hit {
			t.Errorf("%s: hit %v, want %v", c.name, ok, c.hit)
		}
	}
}

// TestMetaCacheUnsettledNotKept: a file changed within listSlack is read
// afresh by every listing, never remembered.
func TestMetaCacheUnsettledNotKept(t *testing.T) {
	r, _ := newRoot(t, Options{NoFsync: true}) // listSlack 2 s: nothing settles
	f := r.As(rootID)
	for i := range 3 {
		mustPut(t, f, fmt.Sprintf("u/k%d", i), "x")
	}
	listInfos(t, f, "u/")
	hits := metas.hits.Load()
	if got := listInfos(t, f, "u/"); len(got) != 3 {
		t.Fatalf("listed %d keys", len(got))
	}
	if metas.hits.Load() != hits {
		t.Fatal("a file changed within the slack was served from the Meta cache")
	}
}

// BenchmarkMetaCacheGet is one hit among 10,000 cached files, the cost
// a listing pays per key instead of getxattr and a decode.
func BenchmarkMetaCacheGet(b *testing.B) {
	c := newMetaCache(64 << 20)
	sts := make([]unix.Stat_t, 10_000)
	for i := range sts {
		sts[i] = unix.Stat_t{Dev: 1, Ino: uint64(i) * 7919, Size: 3, Ctim: unix.Timespec{Sec: 5}}
		c.put(1, &sts[i], &Meta{ETag: "e"}, 40)
	}
	i := 0
	for b.Loop() {
		if _, ok := c.get(1, &sts[i]); !ok {
			b.Fatal("miss")
		}
		i = (i + 1) % len(sts)
	}
}

// TestMetaCacheNoMetaThenMeta: that a file had no Meta is cached too, and
// not served once Meta is written to it.
func TestMetaCacheNoMetaThenMeta(t *testing.T) {
	shortSlack(t)
	r, dir := newRoot(t, Options{NoFsync: true})
	f := r.As(rootID)
	p := filepath.Join(dir, "b", "k")
	os.Mkdir(filepath.Dir(p), 0o755)
	if err := os.WriteFile(p, []byte("beside"), 0o644); err != nil {
		t.Fatal(err)
	}
	settle()
	listInfos(t, f, "b/")
	hits := metas.hits.Load()
	if in := listInfos(t, f, "b/")["b/k"]; in.Meta != nil || metas.hits.Load() == hits {
		t.Fatalf("a file without Meta: Meta %v, cache hits %d → %d", in.Meta, hits, metas.hits.Load())
	}
	var st unix.Stat_t
	unix.Stat(p, &st)
	if err := unix.Setxattr(p, metaXattr, encodeMeta(&Meta{ETag: "etag-now", Stamp: stampOf(&st)}), 0); err != nil {
		t.Fatal(err)
	}
	if in := listInfos(t, f, "b/")["b/k"]; etagIn(in) != "etag-now" {
		t.Fatalf("after its Meta was written: ETag %s", etagIn(in))
	}
}

// TestWalkerID: walks share Meta only with the same identity under the
// same enforcement, and never with a MetaDir.
func TestWalkerID(t *testing.T) {
	kernel, _ := newRoot(t, Options{NoFsync: true, Enforce: Kernel})
	user, _ := newRoot(t, Options{NoFsync: true, Enforce: UserSpace})
	md, _ := newRoot(t, Options{NoFsync: true, MetaDir: t.TempDir(), forceMetaDir: true})
	if walkerID(md.As(alice)) != 0 {
		t.Error("a MetaDir walk uses the Meta cache")
	}
	ids := map[uint32]string{}
	for name, f := range map[string]*FS{
		"kernel alice": kernel.As(alice), "kernel bob": kernel.As(bob), "kernel carol": kernel.As(carol),
		"user alice": user.As(alice), "kernel root": kernel.As(rootID),
	} {
		id := walkerID(f)
		if other, ok := ids[id]; ok || id == 0 {
			t.Errorf("%s has id %d, as %q", name, id, other)
		}
		ids[id] = name
	}
	first, second := walkerID(kernel.As(alice)), walkerID(kernel.As(alice))
	if first != second {
		t.Error("one identity, two ids")
	}
}

// TestMetaCacheDirMarker: a settled directory's Meta comes from the cache
// on the next walk, and a directory made a marker since is listed as one.
func TestMetaCacheDirMarker(t *testing.T) {
	shortSlack(t)
	r, _ := newRoot(t, Options{NoFsync: true})
	f := r.As(rootID)
	mustPut(t, f, "p/f", "x")
	if _, err := f.Mkdir(ctx, key(t, "m/"), Meta{ContentType: "a/x"}); err != nil {
		t.Fatal(err)
	}
	settle()
	listInfos(t, f, "")
	hits := metas.hits.Load()
	got := listInfos(t, f, "")
	if in, ok := got["m/"]; !ok || in.Meta == nil || in.Meta.ContentType != "a/x" || metas.hits.Load()-hits < 3 {
		t.Fatalf("cached walk: m/ %+v (listed %v), %d hits", in.Meta, ok, metas.hits.Load()-hits)
	}
	if _, ok := got["p/"]; ok {
		t.Fatal("p/ listed before it is a marker")
	}
	if _, err := f.Mkdir(ctx, key(t, "p/"), Meta{ContentType: "b/y"}); err != nil {
		t.Fatal(err)
	}
	if in, ok := listInfos(t, f, "")["p/"]; !ok || in.Meta == nil || in.Meta.ContentType != "b/y" {
		t.Fatalf("p/ made a marker: %+v (listed %v)", in.Meta, ok)
	}
}

// TestMetaCacheSharedSlot: two files whose (device, inode, identity) mix
// to the same key never get each other's Meta; the later one takes the
// slot, and the bound counts it once.
func TestMetaCacheSharedSlot(t *testing.T) {
	c := newMetaCache(1 << 20)
	a := unix.Stat_t{Dev: 7, Ino: 1000, Size: 3, Ctim: unix.Timespec{Sec: 5}}
	b := a
	b.Ino ^= uint64(metaKeyOf(0, 0, 1) ^ metaKeyOf(0, 0, 2)) // b as identity 2 shares a's slot as identity 1
	if metaKeyOf(a.Dev, a.Ino, 1) != metaKeyOf(b.Dev, b.Ino, 2) {
		t.Fatal("test keys do not collide")
	}
	ma, mb := &Meta{ETag: "a"}, &Meta{ETag: "b"}
	c.put(1, &a, ma, 10)
	steps := []struct {
		who  uint32
		st   *unix.Stat_t
		want *Meta // nil: a miss
	}{
		{1, &a, ma},
		{2, &b, nil},
		{2, &a, nil},
		{1, &b, nil},
	}
	for i, s := range steps {
		if m, ok := c.get(s.who, s.st); ok != (s.want != nil) || m != s.want {
			t.Errorf("step %d: got %v %v, want %v", i, m, ok, s.want)
		}
	}
	c.put(2, &b, mb, 20)
	if m, ok := c.get(2, &b); !ok || m != mb {
		t.Errorf("b after its put: %v %v", m, ok)
	}
	if _, ok := c.get(1, &a); ok {
		t.Error("a served after b took its slot")
	}
	if c.used != metaCost+20 {
		t.Errorf("used %d, want %d", c.used, metaCost+20)
	}
}
