package multipart

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// A completion record outlives its upload, is read by any Store on the
// directory, and expires like an upload, by the time it was written.
func TestCompletionRecord(t *testing.T) {
	s := newStore(t)
	u := create(t, s, "ap", "k")
	c := Completion{ID: u.ID, AccessPoint: "ap", Key: "k",
		Parts: []CompletedPart{{1, "e1"}, {2, "e2"}},
		Final: Final{Size: 9, ETag: "abc-2", ChecksumAlgorithm: "CRC32", ChecksumType: Composite, Checksum: "AAAAAA==-2"}}
	if err := s.RecordCompletion(c); err != nil {
		t.Fatal(err)
	}
	if err := s.Remove(u.ID); err != nil {
		t.Fatal(err)
	}
	other, err := Open(s.dir) // another node
	if err != nil {
		t.Fatal(err)
	}
	got, err := other.Completed(u.ID)
	if err != nil || !reflect.DeepEqual(got, c) {
		t.Fatalf("Completed = %+v %v", got, err)
	}
	if !got.SameParts([]CompletedPart{{1, "e1"}, {2, "e2"}}) || got.SameParts([]CompletedPart{{1, "e1"}}) {
		t.Error("SameParts")
	}
	if _, err := s.Completed("../etc"); err != ErrNoSuchUpload {
		t.Errorf("invalid id: %v", err)
	}
	// Listing and sweeping ignore the records' directory.
	if r, err := s.List("ap", ListOptions{}); err != nil || len(r.Uploads) != 0 {
		t.Fatalf("List = %+v %v", r, err)
	}
	path := filepath.Join(s.dir, completedDir, u.ID)
	written := time.Now()
	os.Chtimes(path, written, written)
	if _, err := s.Expire(written.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Completed(u.ID); err != nil {
		t.Fatalf("young record expired: %v", err)
	}
	if _, err := s.Expire(written.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Completed(u.ID); err != ErrNoSuchUpload {
		t.Fatalf("old record kept: %v", err)
	}
}
