package volume

// On a file system that shares blocks (XFS with reflink=1, on a loop
// image), multipart assembly (Writer.Append) and snapshots (CopyTree)
// clone instead of copying: the bytes are right and the blocks are the
// source's, which is what makes a Complete or a snapshot cost metadata
// only. The machine's own disk is ext4, where both fall back to
// copy_file_range and the rest of the suite covers that path.

import (
	"bytes"
	"crypto/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/fsxd/fsxd/internal/testfs"
)

// xfsRoot mounts a fresh XFS image with reflinks and opens a volume on it.
func xfsRoot(t *testing.T) (*Root, string) {
	t.Helper()
	mnt := testfs.Image(t, "xfs", 512<<20, "mkfs.xfs", "-q", "-f", "-m", "reflink=1")
	dir := filepath.Join(mnt, "vol")
	if err := os.Mkdir(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777); err != nil { // past the umask
		t.Fatal(err)
	}
	r, err := OpenRoot(dir, Options{Enforce: Kernel})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r, dir
}

// randomPart writes n random bytes to path and opens it for Append,
// until the test ends.
func randomPart(t testing.TB, path string, n int64) ([]byte, *os.File) {
	t.Helper()
	b := make([]byte, n)
	rand.Read(b)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return b, f
}

// TestAppendReflink: two block-aligned parts are cloned into the
// assembled object; the unaligned last part is copied (FICLONERANGE
// takes whole blocks) and the object reads back byte for byte.
func TestAppendReflink(t *testing.T) {
	needRoot(t)
	r, dir := xfsRoot(t)
	f := r.As(alice)
	sizes := []int64{4 << 20, 4 << 20, 1<<20 + 123}
	var want []byte
	w, err := f.Create(ctx, key(t, "assembled"))
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range sizes {
		b, src := randomPart(t, filepath.Join(dir, "part"+string(rune('a'+i))), n)
		want = append(want, b...)
		if err := w.Append(src, 0, n); err != nil {
			t.Fatalf("append part %d: %v", i, err)
		}
	}
	if _, err := w.Commit(Meta{Parts: len(sizes), PartSizes: sizes}, nil); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "assembled"))
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("assembled %d bytes (%v), want %d, equal=%v", len(got), err, len(want), bytes.Equal(got, want))
	}
	if shared := testfs.SharedBytes(t, filepath.Join(dir, "assembled")); shared < 8<<20 {
		t.Errorf("%d bytes of the object share blocks with its parts, want the two aligned parts' %d", shared, 8<<20)
	}
}

// TestAppendAfterPartialClone: a clone that fails part way may leave the
// file longer than what was appended (btrfs grows the size extent by
// extent); the retry must lay its range where the object ends, at the
// file offset, not after those stray blocks. The stray part is made here
// by extending the file without moving its offset.
func TestAppendAfterPartialClone(t *testing.T) {
	needRoot(t)
	r, dir := xfsRoot(t)
	f := r.As(alice)
	part, src := randomPart(t, filepath.Join(dir, "part"), 1<<20)
	w, err := f.Create(ctx, key(t, "assembled"))
	if err != nil {
		t.Fatal(err)
	}
	head := bytes.Repeat([]byte("h"), 64<<10)
	if _, err := w.Write(head); err != nil {
		t.Fatal(err)
	}
	if err := w.f.Truncate(int64(len(head)) + 256<<10); err != nil { // the failed clone's quarter
		t.Fatal(err)
	}
	if err := w.Append(src, 0, int64(len(part))); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Commit(Meta{}, nil); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "assembled"))
	if want := append(head, part...); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("assembled %d bytes (%v), want %d: the head and the part, nothing between", len(got), err, len(want))
	}
}

// TestCopyTreeReflink: a snapshot on XFS clones every file.
func TestCopyTreeReflink(t *testing.T) {
	needRoot(t)
	r, src := xfsRoot(t)
	body := make([]byte, 3<<20+5)
	rand.Read(body)
	mustPut(t, r.As(alice), "a/big.bin", string(body))
	mustPut(t, r.As(alice), "small.txt", "hello")
	stats, err := CopyTree(src, filepath.Join(filepath.Dir(src), "snap"), CopyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Files != 2 || stats.ClonedBytes != stats.Bytes || stats.Method() != "reflink" {
		t.Fatalf("stats %+v, method %s: want every byte cloned", stats, stats.Method())
	}
	copyPath := filepath.Join(filepath.Dir(src), "snap", "a", "big.bin")
	if got, err := os.ReadFile(copyPath); err != nil || !bytes.Equal(got, body) {
		t.Fatalf("snapshot's copy differs: %v", err)
	}
	if shared := testfs.SharedBytes(t, copyPath); shared < int64(len(body)) {
		t.Errorf("%d of %d bytes shared with the volume", shared, len(body))
	}
}

// BenchmarkAppend is a CompleteMultipartUpload of four 8 MiB parts that
// were not written into one slot file (docs/decisions.md): Append of each
// part, then the object's durable Commit over the previous one. On ext4
// (TMPDIR on the bench machine) the kernel copies the parts
// (copy_file_range) and the Commit's fsync writes them again; on XFS with
// reflinks they are cloned and the fsync
// has no data to write. The XFS image is a loop file on the machine's
// disk, so its fsync also flushes the loop device.
func BenchmarkAppend(b *testing.B) {
	for _, c := range []struct {
		name  string
		mount func(b *testing.B) string
	}{
		{"tmpdir", func(b *testing.B) string { return b.TempDir() }},
		{"xfs-reflink", func(b *testing.B) string {
			return testfs.Image(b, "xfs", 512<<20, "mkfs.xfs", "-q", "-f", "-m", "reflink=1")
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			needRoot(b)
			dir := filepath.Join(c.mount(b), "vol")
			if err := os.Mkdir(dir, 0o755); err != nil {
				b.Fatal(err)
			}
			r, err := OpenRoot(dir, Options{Enforce: Kernel})
			if err != nil {
				b.Fatal(err)
			}
			defer r.Close()
			const part, parts = 8 << 20, 4
			_, src := randomPart(b, filepath.Join(dir, "part"), part)
			f := r.As(rootID)
			b.SetBytes(part * parts)
			b.ReportAllocs()
			c0 := cpuTime()
			for b.Loop() {
				w, err := f.Create(ctx, key(b, "object"))
				if err != nil {
					b.Fatal(err)
				}
				for range parts {
					if err := w.Append(src, 0, part); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := w.Commit(Meta{}, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cpuTime()-c0)/float64(b.N)/1e3, "cpu-µs/op")
		})
	}
}
