package volume

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// shortSlack makes directories settle after 20 ms instead of listSlack's
// 2 s, so tests reach the cached path; settle waits for a directory to.
func shortSlack(t testing.TB) {
	old := listSlack
	listSlack = 20 * time.Millisecond
	t.Cleanup(func() { listSlack = old })
}

func settle() { time.Sleep(30 * time.Millisecond) }

// pageKeys lists every key after startAfter (up to max, 0: all).
func pageKeys(t testing.TB, f *FS, prefix, startAfter string, max int) []string {
	t.Helper()
	var keys []string
	err := f.Walk(ctx, WalkOptions{Prefix: prefix, StartAfter: startAfter, Want: max}, func(e Entry) error {
		keys = append(keys, e.Key)
		if len(keys) == max {
			return ErrStopWalk
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// diskKeys is the reference: the regular files of dir, sorted.
func diskKeys(t testing.TB, dir, prefix string) []string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(dir, "flat"))
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, e := range ents {
		if k := "flat/" + e.Name(); e.Type().IsRegular() && strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// TestListCacheSeesChangesBeside: files created, deleted and renamed
// directly on disk, between pages and between listings, show in the very
// next page, whether the directory's listing was cached (settled) or
// changed within the same second (default slack).
func TestListCacheSeesChangesBeside(t *testing.T) {
	for _, cached := range []bool{true, false} {
		t.Run(fmt.Sprint("cached=", cached), func(t *testing.T) {
			if cached {
				shortSlack(t)
			}
			r, dir := newRoot(t, Options{NoFsync: true})
			f := r.As(rootID)
			for i := range 50 {
				mustPut(t, f, fmt.Sprintf("flat/k%03d", i*2), "x")
			}
			flat := filepath.Join(dir, "flat")
			changes := []func(){
				func() { os.WriteFile(filepath.Join(flat, "k031"), nil, 0o644) },
				func() { os.Remove(filepath.Join(flat, "k040")) },
				func() { os.Rename(filepath.Join(flat, "k042"), filepath.Join(flat, "k043")) },
				func() { os.Rename(filepath.Join(flat, "k002"), filepath.Join(flat, "k099")) },
				func() { os.WriteFile(filepath.Join(flat, "k000a"), nil, 0o644) },
			}
			for _, change := range changes {
				if cached {
					settle()
					pageKeys(t, f, "flat/", "", 1) // fills the cache
				}
				hits := dirs.hits.Load()
				first := pageKeys(t, f, "flat/", "", 10)
				if cached && dirs.hits.Load() == hits {
					t.Fatal("a settled directory was read again: the cache was not used")
				}
				change()
				last := first[len(first)-1]
				disk := diskKeys(t, dir, "flat/")
				want := disk[slices.IndexFunc(disk, func(k string) bool { return k > last }):]
				// At once, then (cached) once the changed directory settled.
				for range 2 {
					if next := pageKeys(t, f, "flat/", last, 0); !slices.Equal(next, want) {
						t.Fatalf("next page after a change beside S3:\n got %v\nwant %v", next, want)
					}
					if all := pageKeys(t, f, "flat/", "", 0); !slices.Equal(all, disk) {
						t.Fatalf("listing after a change:\n got %v\nwant %v", all, disk)
					}
					if cached {
						settle()
					}
				}
			}
		})
	}
}

// TestListCacheChecksPermissionPerWalk: a cached listing is shared by
// identities, but each walk still checks that its identity may list the
// directory.
func TestListCacheChecksPermissionPerWalk(t *testing.T) {
	needRoot(t)
	shortSlack(t)
	r, dir := newRoot(t, Options{NoFsync: true, Enforce: Kernel})
	f := r.As(rootID)
	mustPut(t, f, "priv/a", "x")
	os.Chmod(filepath.Join(dir, "priv"), 0o700)
	settle()
	if got := pageKeys(t, f, "priv/", "", 0); len(got) != 1 {
		t.Fatalf("root lists %v", got)
	}
	err := r.As(alice).Walk(ctx, WalkOptions{Prefix: "priv/"}, func(Entry) error { return nil })
	if !isErr(err, ErrPermission) {
		t.Fatalf("alice walking a 0700 directory of root: %v, want ErrPermission", err)
	}
}

// TestListCacheBounded: the cache never holds more than its bound, and a
// listing larger than the bound is read each time, not cached.
func TestListCacheBounded(t *testing.T) {
	shortSlack(t)
	defer SetListCacheBytes(DefaultListCacheBytes)
	r, _ := newRoot(t, Options{NoFsync: true})
	f := r.As(rootID)
	for d := range 4 {
		for i := range 20 {
			mustPut(t, f, fmt.Sprintf("d%d/file-with-a-long-name-%03d", d, i), "x")
		}
	}
	settle()
	SetListCacheBytes(0) // empty: earlier tests' listings (-count > 1) would count too
	SetListCacheBytes(1200)
	for d := range 4 {
		if got := pageKeys(t, f, fmt.Sprintf("d%d/", d), "", 0); len(got) != 20 {
			t.Fatalf("d%d: %d keys", d, len(got))
		}
		dirs.mu.Lock()
		used, n := dirs.used, dirs.lru.Len()
		dirs.mu.Unlock()
		if used > 1200 || n > 2 {
			t.Fatalf("cache holds %d bytes in %d listings, bound 1200", used, n)
		}
	}
}

// TestReadDirOrder: the packed listing is in Walk order (a directory
// sorts as name+"/"), also when d_type is unknown and must be classified.
func TestReadDirOrder(t *testing.T) {
	r := rawDir{start: []uint32{0}}
	add := func(name string, typ uint8) {
		r.blob = append(r.blob, name...)
		r.start = append(r.start, uint32(len(r.blob)))
		r.typs = append(r.typs, typ)
	}
	add("a0", unix.DT_REG)
	add("a", unix.DT_UNKNOWN) // a directory: sorts as "a/", after "a-b"
	add("a-b", unix.DT_REG)
	add("b", unix.DT_UNKNOWN) // a file
	r, err := r.classified([]int{1, 3}, func(ds []dent) error {
		ds[0].typ, ds[1].typ = unix.DT_DIR, unix.DT_REG
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	l := r.sorted(nil)
	var got []string
	for i := range l.n() {
		got = append(got, l.sort(i)+"="+l.name(i))
	}
	want := []string{"a-b=a-b", "a/=a", "a0=a0", "b=b"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if k := r.sorted(visits("a", ptr("a-b"))); k.n() != 2 || k.sort(0) != "a/" {
		t.Fatalf("visits(a, after a-b) kept %d entries", k.n())
	}
}

func ptr[T any](v T) *T { return &v }

// TestListCacheConcurrentChurn: walks of a cached directory running while
// files are created and removed beside S3 and through fsxd always list in
// order, always list the keys nobody touches, and never list a key after
// its deletion completed before the walk began.
func TestListCacheConcurrentChurn(t *testing.T) {
	shortSlack(t)
	r, dir := newRoot(t, Options{NoFsync: true})
	f := r.As(rootID)
	for i := range 40 {
		mustPut(t, f, fmt.Sprintf("flat/stay%02d", i), "x")
	}
	settle()
	flat := filepath.Join(dir, "flat")
	var gone atomic.Int64 // churn files 0..gone-1 are deleted for good
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			p := filepath.Join(flat, fmt.Sprintf("churn%04d", i))
			os.WriteFile(p, nil, 0o644)
			mustPut(t, f, fmt.Sprintf("flat/put%04d", i%3), "x")
			os.Remove(p)
			gone.Store(int64(i + 1))
		}
	})
	for range 3 {
		wg.Go(func() {
			for range 30 {
				before := gone.Load()
				keys := pageKeys(t, f, "flat/", "", 0)
				stay := 0
				for i, k := range keys {
					if i > 0 && keys[i-1] >= k {
						t.Errorf("out of order: %q then %q", keys[i-1], k)
					}
					var n int64
					if _, err := fmt.Sscanf(k, "flat/churn%d", &n); err == nil && n < before {
						t.Errorf("%s listed after its deletion completed", k)
					}
					if strings.HasPrefix(k, "flat/stay") {
						stay++
					}
				}
				if stay != 40 {
					t.Errorf("listed %d of the 40 untouched keys", stay)
				}
			}
		})
	}
	time.Sleep(50 * time.Millisecond)
	close(stop)
	wg.Wait()
}

// benchSettle lets a benchmark's directories settle so that it measures
// the cached path (the first page of a changed directory is a read).
func benchSettle(b *testing.B) { shortSlack(b); settle() }

func benchPage(after string) WalkOptions { return WalkOptions{StartAfter: after, Want: 1001} }
