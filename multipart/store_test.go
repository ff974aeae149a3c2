package multipart

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/fsxd/fsxd/checksum"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func newStore(t testing.TB) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), ".fsxd-staging", "uploads"))
	if err != nil {
		t.Fatal(err)
	}
	s.Now = func() time.Time { return t0 }
	return s
}

func create(t testing.TB, s *Store, ap, key string) Upload {
	t.Helper()
	u, err := s.Create(Upload{AccessPoint: ap, Key: key, ChecksumAlgorithm: "CRC32C"})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// put uploads data as part n the way s3api will: hashing while PutPart
// streams.
func put(s *Store, id string, n int, data []byte) (Part, error) {
	h := checksum.NewHasher(checksum.Options{Algorithms: []checksum.Algorithm{checksum.CRC32C}})
	return s.PutPart(id, n, checksum.Reader(bytes.NewReader(data), h), func() PartSums {
		return PartSumsOf(h.Sum())
	})
}

func mustPut(t testing.TB, s *Store, id string, n int, data []byte) Part {
	t.Helper()
	p, err := put(s, id, n, data)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func md5hex(b []byte) string { m := md5.Sum(b); return hex.EncodeToString(m[:]) }

// readPart returns a part's data as Complete would read it.
func readPart(t testing.TB, s *Store, id string, n int) ([]byte, Part) {
	t.Helper()
	files, parts, err := s.OpenParts(id, []int{n})
	if err != nil {
		t.Fatal(err)
	}
	defer files[0].Close()
	b, err := io.ReadAll(io.NewSectionReader(files[0], parts[0].Offset, parts[0].Size))
	if err != nil {
		t.Fatal(err)
	}
	return b, parts[0]
}

func TestCreatePutReadBack(t *testing.T) {
	s := newStore(t)
	u, err := s.Create(Upload{AccessPoint: "ap1", Key: "dir/obj", Owner: "o", Meta: []byte(`{"ct":"text/plain"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if len(u.ID) < 40 || !u.Initiated.Equal(t0) {
		t.Fatalf("Create = %+v", u)
	}
	got, err := s.Get(u.ID)
	if err != nil || got.Key != "dir/obj" || got.Owner != "o" || string(got.Meta) != `{"ct":"text/plain"}` || !got.Initiated.Equal(t0) {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	data := [][]byte{bytes.Repeat([]byte("a"), 5<<20), []byte("tail")}
	for i, d := range data {
		p := mustPut(t, s, u.ID, i+1, d)
		if p.Size != int64(len(d)) || p.ETag != md5hex(d) || p.Checksums["CRC32C"] == "" {
			t.Fatalf("PutPart = %+v", p)
		}
	}
	parts, trunc, err := s.Parts(u.ID, 0, 0)
	if err != nil || trunc || len(parts) != 2 || parts[1].ETag != md5hex(data[1]) || !parts[1].Modified.Equal(t0) {
		t.Fatalf("Parts = %+v %v %v", parts, trunc, err)
	}
	for i, d := range data {
		if b, _ := readPart(t, s, u.ID, i+1); !bytes.Equal(b, d) {
			t.Errorf("part %d read back %d bytes", i+1, len(b))
		}
	}
	if _, _, err := s.OpenParts(u.ID, []int{1, 3}); !errors.Is(err, ErrNoSuchPart) {
		t.Errorf("OpenParts(missing) = %v", err)
	}
	if err := s.Remove(u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(u.ID); err != ErrNoSuchUpload {
		t.Errorf("Get after Remove = %v", err)
	}
	if err := s.Remove(u.ID); err != ErrNoSuchUpload {
		t.Errorf("second Remove = %v", err)
	}
	assertEmpty(t, s)
}

func assertEmpty(t *testing.T, s *Store) {
	t.Helper()
	if ents, _ := os.ReadDir(s.dir); len(ents) != 0 {
		t.Errorf("staging dir not empty: %v", ents)
	}
}

func TestPartsPaging(t *testing.T) {
	s := newStore(t)
	u := create(t, s, "ap", "k")
	for _, n := range []int{7, 1, 10000, 3, 2} {
		mustPut(t, s, u.ID, n, []byte{byte(n)})
	}
	check := func(after, max int, want []int, wantTrunc bool) {
		t.Helper()
		parts, trunc, err := s.Parts(u.ID, after, max)
		var got []int
		for _, p := range parts {
			got = append(got, p.Number)
		}
		if err != nil || trunc != wantTrunc || !slices.Equal(got, want) {
			t.Errorf("Parts(%d, %d) = %v %v %v, want %v %v", after, max, got, trunc, err, want, wantTrunc)
		}
	}
	check(0, 0, []int{1, 2, 3, 7, 10000}, false)
	check(0, 2, []int{1, 2}, true)
	check(2, 2, []int{3, 7}, true)
	check(7, 2, []int{10000}, false)
	check(10000, 2, nil, false)
	check(4, 5, []int{7, 10000}, false)
}

func TestBadInput(t *testing.T) {
	s := newStore(t)
	u := create(t, s, "ap", "k")
	for _, id := range []string{"", "..", "../x", u.ID + "x", u.ID[:len(u.ID)-1] + ".", "/etc/passwd"} {
		if _, err := s.Get(id); err != ErrNoSuchUpload {
			t.Errorf("Get(%q) = %v", id, err)
		}
		if _, err := put(s, id, 1, nil); err != ErrNoSuchUpload {
			t.Errorf("PutPart(%q) = %v", id, err)
		}
		if err := s.Remove(id); err != ErrNoSuchUpload {
			t.Errorf("Remove(%q) = %v", id, err)
		}
	}
	for _, n := range []int{0, -1, MaxPartNumber + 1} {
		if _, err := put(s, u.ID, n, nil); err != ErrPartNumber {
			t.Errorf("PutPart(n=%d) = %v", n, err)
		}
	}
	if _, err := s.Create(Upload{Key: "bad\xff"}); err == nil {
		t.Error("non-UTF-8 key accepted")
	}
}

func TestRestart(t *testing.T) {
	s := newStore(t)
	u := create(t, s, "ap", "k")
	mustPut(t, s, u.ID, 1, []byte("one"))
	s2, err := Open(s.dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s2.Get(u.ID); err != nil || got.Key != "k" {
		t.Fatalf("Get after restart = %+v %v", got, err)
	}
	if b, p := readPart(t, s2, u.ID, 1); string(b) != "one" || p.ETag != md5hex(b) {
		t.Errorf("part after restart = %q %+v", b, p)
	}
	if r, err := s2.List("ap", ListOptions{}); err != nil || len(r.Uploads) != 1 {
		t.Errorf("List after restart = %+v %v", r, err)
	}
}

// Another Store over the same directory plays a second node.
func TestTwoNodes(t *testing.T) {
	a := newStore(t)
	b, err := Open(a.dir)
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := b.List("ap", ListOptions{}); len(r.Uploads) != 0 {
		t.Fatal("phantom upload")
	}
	u := create(t, a, "ap", "k")
	mustPut(t, b, u.ID, 1, []byte("from b"))
	if r, _ := b.List("ap", ListOptions{}); len(r.Uploads) != 1 {
		t.Fatalf("b does not see a's upload: %+v", r)
	}
	if err := a.Remove(u.ID); err != nil {
		t.Fatal(err)
	}
	if r, _ := b.List("ap", ListOptions{}); len(r.Uploads) != 0 {
		t.Errorf("b still lists the removed upload: %+v", r)
	}
	if _, err := put(b, u.ID, 2, []byte("late")); err != ErrNoSuchUpload {
		t.Errorf("late PutPart on b = %v", err)
	}
}

func TestReuploadLastWins(t *testing.T) {
	s := newStore(t)
	u := create(t, s, "ap", "k")
	mustPut(t, s, u.ID, 1, bytes.Repeat([]byte("old"), 1000))
	mustPut(t, s, u.ID, 1, []byte("new"))
	if b, p := readPart(t, s, u.ID, 1); string(b) != "new" || p.Size != 3 || p.ETag != md5hex(b) {
		t.Errorf("after re-upload: %q %+v", b, p)
	}
}

// A PutPart still streaming when the upload is removed must fail and leave
// nothing behind.
func TestPutPartRacingRemove(t *testing.T) {
	s := newStore(t)
	u := create(t, s, "ap", "k")
	pr, pw := io.Pipe()
	done := make(chan error)
	go func() {
		_, err := s.PutPart(u.ID, 1, pr, func() PartSums { return PartSums{ETag: md5hex(nil)} })
		done <- err
	}()
	pw.Write([]byte("first half"))
	if err := s.Remove(u.ID); err != nil {
		t.Fatal(err)
	}
	pw.Write([]byte("second half"))
	pw.Close()
	if err := <-done; err != ErrNoSuchUpload {
		t.Errorf("late PutPart = %v", err)
	}
	assertEmpty(t, s)
}

func TestPutPartSourceError(t *testing.T) {
	s := newStore(t)
	u := create(t, s, "ap", "k")
	src := io.MultiReader(bytes.NewReader([]byte("partial")), errReader{})
	if _, err := s.PutPart(u.ID, 1, src, func() PartSums { t.Error("sums called"); return PartSums{} }); err == nil {
		t.Fatal("PutPart succeeded")
	}
	if ents, _ := os.ReadDir(s.uploadDir(u.ID)); len(ents) != 1 {
		t.Errorf("left behind: %v", ents)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("client went away") }

// TestSlotSizesForgottenAcrossNodes: node b caches the slot size of an
// upload it took a part of; node a completes (removes) the upload. b's
// next sweep forgets the size: before, b kept one entry per such upload
// for as long as it ran.
func TestSlotSizesForgottenAcrossNodes(t *testing.T) {
	a := newStore(t)
	b, err := Open(a.dir)
	if err != nil {
		t.Fatal(err)
	}
	b.Now, b.SlotMin = a.Now, slotMin
	u := create(t, a, "ap", "k")
	if _, err := putSized(b, u.ID, 1, slotMin, partData(1, slotMin, 0)); err != nil {
		t.Fatal(err)
	}
	if len(b.slotSizes) != 1 {
		t.Fatalf("b caches %d slot sizes after a part, want 1", len(b.slotSizes))
	}
	if err := a.Remove(u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Expire(t0.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if len(b.slotSizes) != 0 {
		t.Errorf("b still caches %d slot sizes after a removed the upload and b swept", len(b.slotSizes))
	}
}
