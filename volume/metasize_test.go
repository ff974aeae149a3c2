package volume

import (
	"errors"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/fsxd/fsxd/internal/testfs"
)

// metaOfSize is a Meta of the request's fields only (content type, user
// metadata) whose MetaSize is exactly n.
func metaOfSize(t testing.TB, n int) Meta {
	t.Helper()
	m := Meta{ContentType: "text/plain", User: map[string]string{"a": ""}}
	for MetaSize(&m) < n {
		m.User["a"] += "x"
	}
	if MetaSize(&m) != n {
		t.Fatalf("no Meta of size %d (got %d)", n, MetaSize(&m))
	}
	return m
}

func TestFitMeta(t *testing.T) {
	sums := make([][]byte, 256) // 1 KiB of CRC32 part checksums
	for i := range sums {
		sums[i] = []byte{1, 2, 3, 4}
	}
	sizes := make([]int64, 256) // all different: 256 runs
	for i := range sizes {
		sizes[i] = 5<<20 + int64(i)
	}
	multi := func(user int) *Meta { // with user bytes of metadata
		m := Meta{User: map[string]string{"a": strings.Repeat("x", user)}}
		m.ETag, m.Parts, m.PartSizes, m.PartChecksums = strings.Repeat("a", 32)+"-256", 256, sizes, sums
		m.Checksums = map[string]string{"CRC32": "AAAAAA==-256", "CRC32-TYPE": "COMPOSITE"}
		return &m
	}
	for _, tc := range []struct {
		name               string
		m                  *Meta
		err                error
		keepSums, keepRuns bool
	}{
		{"small", &Meta{ContentType: "text/plain", User: map[string]string{"a": "b"}}, nil, false, false},
		{"at the bound", ptr(metaOfSize(t, MaxMetaSize)), nil, false, false},
		{"one byte over", ptr(metaOfSize(t, MaxMetaSize+1)), ErrMetaTooLarge, false, false},
		{"2 KB metadata and a long disposition", &Meta{User: map[string]string{"a": strings.Repeat("a", 2000)},
			ContentDisposition: strings.Repeat("b", 2100)}, ErrMetaTooLarge, false, false},
		// 256 CRC32 part checksums take 1 KiB, 256 part sizes ~1.8 KB.
		{"multipart, room for all", multi(0), nil, true, true},
		{"multipart, room without part checksums", multi(1000), nil, false, true},
		{"multipart, room without part sizes", multi(2500), nil, false, false},
		{"multipart, no room", multi(3500), ErrMetaTooLarge, false, false},
	} {
		err := FitMeta(tc.m)
		if err != tc.err {
			t.Errorf("%s: FitMeta = %v, want %v", tc.name, err, tc.err)
		}
		if got := tc.m.PartChecksums != nil; got != tc.keepSums && tc.m.Parts > 0 && err == nil {
			t.Errorf("%s: part checksums kept %v, want %v", tc.name, got, tc.keepSums)
		}
		if got := tc.m.PartSizes != nil; got != tc.keepRuns && tc.m.Parts > 0 && err == nil {
			t.Errorf("%s: part sizes kept %v, want %v", tc.name, got, tc.keepRuns)
		}
		if err == nil && len(encodeMeta(tc.m)) > MaxMetaSize {
			t.Errorf("%s: fits, but encodes to %d bytes", tc.name, len(encodeMeta(tc.m)))
		}
	}
}

// TestMaxMetaSizeFitsExt4 writes Meta of MaxMetaSize, with every field
// the writer adds at its largest, on ext4 with 4 KiB blocks beside 384
// bytes of another xattr: it is stored. Meta too large for the xattr block
// is ErrMetaTooLarge (400 MetadataTooLarge), not a full disk (507), both
// from Commit and from SetMeta.
func TestMaxMetaSizeFitsExt4(t *testing.T) {
	mnt := testfs.Image(t, "ext4", 32<<20, "mkfs.ext4", "-q", "-F", "-b", "4096")
	dir := filepath.Join(mnt, "vol")
	if err := unix.Mkdir(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	r, err := OpenRoot(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	fs := r.As(rootID)
	commit := func(k string, m Meta) error {
		w, err := fs.Create(ctx, key(t, k))
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("data"))
		if err := unix.Fsetxattr(int(w.f.Fd()), "user.other", make([]byte, 384), 0); err != nil {
			t.Fatal(err)
		}
		_, err = w.Commit(m, nil)
		return err
	}
	full := metaOfSize(t, MaxMetaSize)
	full.ETag, full.Checksums, full.Parts, full.PartSizes = largest.ETag, largest.Checksums, largest.Parts, largest.PartSizes
	if err := commit("fits", full); err != nil {
		t.Fatalf("Commit of Meta at MaxMetaSize: %v", err)
	}
	big := metaOfSize(t, 4200)
	if err := commit("big", big); !errors.Is(err, ErrMetaTooLarge) || errors.Is(err, ErrNoSpace) {
		t.Errorf("Commit of 4,200 bytes of Meta: %v, want ErrMetaTooLarge", err)
	}
	_, err = fs.SetMeta(ctx, key(t, "fits"), func(m *Meta) error {
		m.Tags = map[string]string{"k": strings.Repeat("v", 1000)}
		return nil
	})
	if !errors.Is(err, ErrMetaTooLarge) {
		t.Errorf("SetMeta past the xattr block: %v, want ErrMetaTooLarge", err)
	}
}

// BenchmarkMetaSize is the check every PUT makes before reading its body:
// a typical object's Meta, sized with the writer's fields at their largest.
func BenchmarkMetaSize(b *testing.B) {
	m := &Meta{ContentType: "application/octet-stream", User: map[string]string{"owner": "data-team", "run": "2026-12-07"}}
	b.ReportAllocs()
	for b.Loop() {
		if FitMeta(m) != nil {
			b.Fatal("a typical Meta does not fit")
		}
	}
}

// TestQuickSizeBounds: the bound a PUT's check uses is never below the
// exact encoded size, whatever the request brought.
func TestQuickSizeBounds(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	str := func(n int) string {
		b := make([]byte, rng.IntN(n))
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		return string(b)
	}
	for range 2000 {
		m := &Meta{ContentType: str(300), ContentEncoding: str(20), ContentDisposition: str(400), ContentLanguage: str(10),
			CacheControl: str(40), Expires: str(40), User: map[string]string{}, Tags: map[string]string{}}
		for range rng.IntN(12) {
			m.User[str(40)] = str(200)
		}
		for range rng.IntN(11) {
			m.Tags[str(128)] = str(256)
		}
		if q, ok := quickSize(m); !ok || q < exactSize(m) {
			t.Fatalf("quickSize %d (ok %v) below the exact size %d", q, ok, exactSize(m))
		}
	}
	if _, ok := quickSize(&Meta{ETag: "e"}); ok {
		t.Error("a Meta with writer fields took the quick bound")
	}
}
