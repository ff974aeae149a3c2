package multipart

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/fsxd/fsxd/checksum"
)

// slotMin is the tests' SlotMin: parts of at least 1000 bytes may fix
// the slot size.
const slotMin = 1000

func newSlotStore(t testing.TB) (*Store, Upload) {
	t.Helper()
	s := newStore(t)
	s.SlotMin = slotMin
	return s, create(t, s, "ap", "k")
}

// putSized uploads data as part n, its size announced as s3api does
// (size < 0: not announced).
func putSized(s *Store, id string, n int, size int64, data []byte) (Part, error) {
	h := checksum.NewHasher(checksum.Options{Algorithms: []checksum.Algorithm{checksum.CRC32C}})
	return s.PutPartSized(id, n, size, checksum.Reader(bytes.NewReader(data), h), func() PartSums {
		return PartSumsOf(h.Sum())
	}, nil)
}

func partData(n, size, gen int) []byte {
	b := bytes.Repeat(fmt.Appendf(nil, "p%d.%d;", n, gen), size/5+1)
	return b[:size]
}

// upload is one UploadPart: number, size, and whether its size is
// announced.
type upload struct {
	n, size int
	unsized bool
}

func TestSlots(t *testing.T) {
	cases := []struct {
		name   string
		sends  []upload
		inSlot []bool // of parts 1..N as recorded, N = the highest sent
		adopt  bool   // Complete of 1..N adopts the slot file
	}{
		{"in order", []upload{{n: 1, size: 1000}, {n: 2, size: 1000}, {n: 3, size: 10}}, []bool{true, true, true}, true},
		{"out of order", []upload{{n: 3, size: 1000}, {n: 1, size: 1000}, {n: 2, size: 1000}}, []bool{true, true, true}, true},
		{"last smaller, first", []upload{{n: 3, size: 10}, {n: 2, size: 1000}, {n: 1, size: 1000}}, []bool{true, true, false}, true},
		{"odd size", []upload{{n: 2, size: 1001}, {n: 1, size: 1001}, {n: 3, size: 1000}}, []bool{true, true, true}, true},
		{"bigger part", []upload{{n: 1, size: 1000}, {n: 2, size: 1200}, {n: 3, size: 1000}}, []bool{true, false, true}, false},
		{"smaller middle part", []upload{{n: 1, size: 1000}, {n: 2, size: 999}, {n: 3, size: 1000}}, []bool{true, true, true}, false},
		{"re-upload", []upload{{n: 1, size: 1000}, {n: 2, size: 1000}, {n: 2, size: 1000}}, []bool{true, false}, true},
		{"re-upload in the middle", []upload{{n: 1, size: 1000}, {n: 2, size: 1000}, {n: 2, size: 1000}, {n: 3, size: 1}}, []bool{true, false, true}, false},
		{"re-upload of the last", []upload{{n: 1, size: 1000}, {n: 2, size: 5}, {n: 2, size: 7}}, []bool{true, false}, true},
		{"size not announced", []upload{{n: 1, size: 1000}, {n: 2, size: 1000, unsized: true}}, []bool{true, false}, true},
		{"all small", []upload{{n: 1, size: 999}, {n: 2, size: 999}}, []bool{false, false}, false},
		{"one part", []upload{{n: 1, size: 1000}}, []bool{true}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, u := newSlotStore(t)
			newest := map[int][]byte{}
			for gen, p := range tc.sends {
				data := partData(p.n, p.size, gen)
				size := int64(p.size)
				if p.unsized {
					size = -1
				}
				if _, err := putSized(s, u.ID, p.n, size, data); err != nil {
					t.Fatal(err)
				}
				newest[p.n] = data
			}
			checkSlots(t, s, u.ID, newest, tc.inSlot, tc.adopt)
		})
	}
}

// checkSlots checks the recorded form and data of parts 1..len(newest),
// and what AdoptSlots makes of them.
func checkSlots(t *testing.T, s *Store, id string, newest map[int][]byte, inSlot []bool, adopt bool) {
	t.Helper()
	var want []byte
	for n := 1; n <= len(newest); n++ {
		b, p := readPart(t, s, id, n)
		if !bytes.Equal(b, newest[n]) || p.ETag != md5hex(b) {
			t.Errorf("part %d: data is not the newest upload's", n)
		}
		if p.InSlot != inSlot[n-1] {
			t.Errorf("part %d: InSlot = %v, want %v", n, p.InSlot, inSlot[n-1])
		}
		want = append(want, newest[n]...)
	}
	listed, _, err := s.Parts(id, 0, 0)
	if err != nil || len(listed) != len(newest) {
		t.Fatalf("Parts: %d parts, %v", len(listed), err)
	}
	files, parts, err := s.OpenParts(id, seq(len(newest)))
	if err != nil {
		t.Fatal(err)
	}
	defer closeAll(files)
	f := s.AdoptSlots(id, parts)
	if (f != nil) != adopt {
		t.Fatalf("AdoptSlots adopted = %v, want %v", f != nil, adopt)
	}
	if f == nil {
		return
	}
	defer f.Close()
	got, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	if last := parts[len(parts)-1]; !last.InSlot {
		want = want[:len(want)-int(last.Size)] // the caller appends it
	}
	if !bytes.Equal(got, want) {
		t.Errorf("slot file holds %d bytes, not the object's first %d", len(got), len(want))
	}
}

func seq(n int) []int {
	nums := make([]int, n)
	for i := range nums {
		nums[i] = i + 1
	}
	return nums
}

// A part beyond the completed list keeps its slot: Complete must not cut
// it off, so it copies.
func TestSlotsPartBeyondList(t *testing.T) {
	s, u := newSlotStore(t)
	for n := 1; n <= 3; n++ {
		if _, err := putSized(s, u.ID, n, 1000, partData(n, 1000, 0)); err != nil {
			t.Fatal(err)
		}
	}
	files, parts, err := s.OpenParts(u.ID, []int{1, 2})
	if err != nil {
		t.Fatal(err)
	}
	defer closeAll(files)
	if f := s.AdoptSlots(u.ID, parts); f != nil {
		f.Close()
		t.Fatal("adopted a slot file with part 3 beyond the list")
	}
	if b, _ := readPart(t, s, u.ID, 3); !bytes.Equal(b, partData(3, 1000, 0)) {
		t.Error("part 3 damaged")
	}
}

// Once a Complete sealed the upload, parts go to part files.
func TestSlotsSealed(t *testing.T) {
	s, u := newSlotStore(t)
	p1, _ := putSized(s, u.ID, 1, 1000, partData(1, 1000, 0))
	if f := s.AdoptSlots(u.ID, []Part{p1}); f == nil {
		t.Fatal("not adopted")
	} else {
		f.Close()
	}
	p2, err := putSized(s, u.ID, 2, 1000, partData(2, 1000, 0))
	if err != nil || p2.InSlot {
		t.Fatalf("part after the seal: InSlot %v, %v", p2.InSlot, err)
	}
}

// failAfter yields n bytes of data, then fails: a client gone mid-part.
type failAfter struct {
	r io.Reader
}

var errClientGone = errors.New("client gone")

func (f failAfter) Read(b []byte) (int, error) {
	n, err := f.r.Read(b)
	if err == io.EOF {
		return n, errClientGone
	}
	return n, err
}

// A failed upload gives its slot up (the next upload of the number takes
// it); a failed re-upload leaves the part it would replace whole.
func TestSlotsFailedUpload(t *testing.T) {
	s, u := newSlotStore(t)
	fail := func(n int, data []byte) {
		t.Helper()
		_, err := s.PutPartSized(u.ID, n, int64(len(data)), failAfter{bytes.NewReader(data[:len(data)/2])}, func() PartSums { return PartSums{} }, nil)
		if !errors.Is(err, errClientGone) {
			t.Fatalf("failed upload: %v", err)
		}
	}
	mustSized := func(n int, data []byte) Part {
		t.Helper()
		p, err := putSized(s, u.ID, n, int64(len(data)), data)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	fail(1, partData(1, 1000, 9))
	if p := mustSized(1, partData(1, 1000, 0)); !p.InSlot {
		t.Error("the upload after a failed one did not get the slot")
	}
	fail(1, partData(1, 1000, 8))
	if b, p := readPart(t, s, u.ID, 1); !bytes.Equal(b, partData(1, 1000, 0)) || !p.InSlot {
		t.Error("a failed re-upload damaged the part in its slot")
	}
	if _, err := s.PutPartSized(u.ID, 2, 1000, bytes.NewReader(partData(2, 1001, 0)), func() PartSums { return PartSums{} }, nil); err == nil {
		t.Error("a part longer than announced was accepted")
	}
	if b, _ := readPart(t, s, u.ID, 1); !bytes.Equal(b, partData(1, 1000, 0)) {
		t.Error("a part longer than announced wrote past its slot")
	}
}

// Concurrent uploads of one number never mix in one slot: the part ends
// whole, as one of the uploads. Run with -race -count=50.
func TestSlotsConcurrentSameNumber(t *testing.T) {
	s, u := newSlotStore(t)
	mustSized := func(n int, data []byte) {
		if _, err := putSized(s, u.ID, n, int64(len(data)), data); err != nil {
			t.Error(err)
		}
	}
	mustSized(1, partData(1, 4096, 0))
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Go(func() { mustSized(2, partData(2, 4096, w+1)) })
		wg.Go(func() { mustSized(3, partData(3, 4096-w, w+1)) })
	}
	wg.Wait()
	checkWhole(t, s, u.ID)
	for n := 2; n <= 3; n++ {
		b, _ := readPart(t, s, u.ID, n)
		ok := false
		for w := range 6 {
			size := 4096
			if n == 3 {
				size -= w
			}
			ok = ok || bytes.Equal(b, partData(n, size, w+1))
		}
		if !ok {
			t.Errorf("part %d is none of the uploads", n)
		}
	}
}

// Abort takes the slot file with the upload; a part after it fails.
func TestSlotsAbort(t *testing.T) {
	s, u := newSlotStore(t)
	if _, err := putSized(s, u.ID, 1, 1000, partData(1, 1000, 0)); err != nil {
		t.Fatal(err)
	}
	if err := s.Remove(u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := putSized(s, u.ID, 2, 1000, partData(2, 1000, 0)); !errors.Is(err, ErrNoSuchUpload) {
		t.Errorf("part after abort: %v", err)
	}
	if _, err := os.Stat(filepath.Join(s.dir, u.ID)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("upload directory left: %v", err)
	}
}

// What a kill leaves between a slot's write and its record: a claim and
// bytes, no record. The part is not listed, and its next upload is a part
// file (the claim stands), which Complete copies.
func TestSlotsCrashBeforeRecord(t *testing.T) {
	s, u := newSlotStore(t)
	if _, err := putSized(s, u.ID, 1, 1000, partData(1, 1000, 0)); err != nil {
		t.Fatal(err)
	}
	c, ok := s.claimSlot(u.ID, 2, 1000)
	if !ok {
		t.Fatal("no claim")
	}
	if _, err := s.writeSlot(c, bytes.NewReader(partData(2, 1000, 9)), func() PartSums { return PartSums{} }, nil); err != nil {
		t.Fatal(err)
	}
	// killed here
	s2, err := Open(s.dir)
	if err != nil {
		t.Fatal(err)
	}
	s2.SlotMin = slotMin
	if ps, _, _ := s2.Parts(u.ID, 0, 0); len(ps) != 1 {
		t.Fatalf("%d parts listed, want 1", len(ps))
	}
	if _, err := putSized(s2, u.ID, 2, 1000, partData(2, 1000, 1)); err != nil {
		t.Fatal(err)
	}
	// The dead writer's claim may still be writing, for all Complete
	// knows: it copies.
	checkSlots(t, s2, u.ID, map[int][]byte{1: partData(1, 1000, 0), 2: partData(2, 1000, 1)}, []bool{true, false}, false)
}

// Parts beyond the list arriving while Complete adopts: either Complete
// adopts and they are part files, or it copies; no part is ever cut off
// by the truncation. Run with -race -count=50.
func TestSlotsSealRace(t *testing.T) {
	s, u := newSlotStore(t)
	for n := 1; n <= 3; n++ {
		if _, err := putSized(s, u.ID, n, 1000, partData(n, 1000, 0)); err != nil {
			t.Fatal(err)
		}
	}
	files, parts, err := s.OpenParts(u.ID, seq(3))
	if err != nil {
		t.Fatal(err)
	}
	defer closeAll(files)
	var wg sync.WaitGroup
	for n := 4; n <= 7; n++ {
		wg.Go(func() {
			if _, err := putSized(s, u.ID, n, 1000, partData(n, 1000, 0)); err != nil {
				t.Error(err)
			}
		})
	}
	var adopted bool
	wg.Go(func() {
		if f := s.AdoptSlots(u.ID, parts); f != nil {
			adopted = true
			f.Close()
		}
	})
	wg.Wait()
	for n := 1; n <= 7; n++ {
		files, parts, err := s.OpenParts(u.ID, []int{n})
		if err != nil {
			t.Fatalf("part %d (adopted %v): %v", n, adopted, err)
		}
		b, _ := io.ReadAll(io.NewSectionReader(files[0], parts[0].Offset, parts[0].Size))
		files[0].Close()
		if !bytes.Equal(b, partData(n, 1000, 0)) {
			t.Errorf("part %d damaged (adopted %v)", n, adopted)
		}
	}
}

// TestSlotsAdoptedOnce: while one Complete holds the slot file, or once
// it has linked it as the object, another Complete of the upload does not
// adopt (and so does not truncate) it: it copies the parts out instead.
func TestSlotsAdoptedOnce(t *testing.T) {
	s, u := newSlotStore(t)
	// Part 1 fixes the slot size; part 2, larger, goes to a part file,
	// which no slot claim shows.
	if _, err := putSized(s, u.ID, 1, 1000, partData(1, 1000, 0)); err != nil {
		t.Fatal(err)
	}
	if p, err := putSized(s, u.ID, 2, 3000, partData(2, 3000, 0)); err != nil || p.InSlot {
		t.Fatalf("part 2: InSlot %v, %v", p.InSlot, err)
	}
	files, parts, err := s.OpenParts(u.ID, []int{1, 2})
	if err != nil {
		t.Fatal(err)
	}
	defer closeAll(files)
	first := s.AdoptSlots(u.ID, parts)
	if first == nil {
		t.Fatal("first Complete did not adopt")
	}
	if second := s.AdoptSlots(u.ID, parts[:1]); second != nil {
		second.Close()
		t.Fatal("adopted while another Complete holds the slot file")
	}
	first.Seek(0, io.SeekEnd) // the first Complete appends part 2
	first.Write(partData(2, 3000, 0))
	if st, _ := first.Stat(); st.Size() != 4000 {
		t.Fatalf("the held slot file was cut to %d bytes", st.Size())
	}
	// The first Complete links it as the object, commits and lets go.
	object := filepath.Join(t.TempDir(), "object")
	if err := os.Link(filepath.Join(s.uploadDir(u.ID), slotFileName), object); err != nil {
		t.Fatal(err)
	}
	first.Close()
	if second := s.AdoptSlots(u.ID, parts[:1]); second != nil {
		second.Close()
		t.Fatal("adopted a slot file that is already an object")
	}
	if st, err := os.Stat(object); err != nil || st.Size() != 4000 {
		t.Fatalf("the object was cut: %v %v", st, err)
	}
}
