package multipart

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestExpire(t *testing.T) {
	s := newStore(t)
	old, err := s.Create(Upload{AccessPoint: "ap", Key: "old", Initiated: t0.Add(-48 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	mustPut(t, s, old.ID, 1, []byte("x"))
	young := create(t, s, "ap", "young")
	n, err := s.Expire(t0.Add(-24 * time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("Expire = %d %v", n, err)
	}
	if _, err := s.Get(old.ID); err != ErrNoSuchUpload {
		t.Errorf("old upload survived: %v", err)
	}
	if _, err := s.Get(young.ID); err != nil {
		t.Errorf("young upload expired: %v", err)
	}
}

// What a crash leaves is only temporary names; sweeps remove them once
// stale and leave fresh ones (a live writer's) alone.
func TestCrashLeftovers(t *testing.T) {
	s := newStore(t)
	s.Now = time.Now // sweeps compare with real file times here
	u := create(t, s, "ap", "k")
	mustPut(t, s, u.ID, 1, []byte("kept"))
	stale := time.Now().Add(-2 * TempGrace)
	staleTmp := s.partPath(u.ID, 2) + tempPartInfix + "crashed"
	freshTmp := s.partPath(u.ID, 3) + tempPartInfix + "writing"
	halfCreate := filepath.Join(s.dir, tempDirPrefix+"crashed")
	trash := filepath.Join(s.dir, trashDirPrefix+"crashed")
	for _, p := range []string{staleTmp, freshTmp} {
		os.WriteFile(p, []byte("partial"), 0o600)
	}
	for _, d := range []string{halfCreate, trash} {
		os.Mkdir(d, 0o700)
		os.WriteFile(filepath.Join(d, uploadJSON), []byte(`{"v":1,"id":`), 0o600) // half written
	}
	for _, p := range []string{staleTmp, halfCreate, trash} {
		os.Chtimes(p, stale, stale)
	}
	// The half-written upload never shows.
	if r, err := s.List("ap", ListOptions{}); err != nil || len(r.Uploads) != 1 {
		t.Fatalf("List = %+v %v", r, err)
	}
	if _, err := Open(s.dir); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]bool{staleTmp: false, freshTmp: true, halfCreate: false, trash: false, s.partPath(u.ID, 1): true} {
		if _, err := os.Lstat(p); (err == nil) != want {
			t.Errorf("%s exists = %v, want %v", filepath.Base(p), err == nil, want)
		}
	}
	if ps, _, _ := s.Parts(u.ID, 0, 0); len(ps) != 1 {
		t.Errorf("temporary parts listed: %+v", ps)
	}
}

// A part file cut short (say, by a copy that ignored the format) is
// reported as corrupt, never returned with wrong data.
func TestCorruptPart(t *testing.T) {
	s := newStore(t)
	u := create(t, s, "ap", "k")
	p := mustPut(t, s, u.ID, 1, []byte("some data"))
	os.Truncate(p.Path, 5)
	if _, _, err := s.OpenParts(u.ID, []int{1}); err == nil {
		t.Error("corrupt part opened")
	}
}
