package volume

import "testing"

// Key → path resolution: ParseKey alone, then a Stat that resolves a
// six-level key beneath the root with openat2 (no identity switch).

func BenchmarkParseKey(b *testing.B) {
	const k = "projects/2026/reports/q3/region-eu/summary final.csv"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseKey(k); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkResolveDeepKey(b *testing.B) {
	r, _ := newRoot(b, Options{Enforce: UserSpace, NoFsync: true})
	const k = "a/b/c/d/e/object.bin"
	mustPut(b, r.As(rootID), k, "x")
	p := key(b, k)
	fs := r.As(rootID)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := fs.Stat(ctx, p); err != nil {
			b.Fatal(err)
		}
	}
}
