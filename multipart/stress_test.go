package multipart

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
)

// Many writers, some on the same part numbers, some reading while others
// replace: every part read must be whole (data matching its own
// metadata), and each number must end as one of the versions written.
func TestParallelPutPart(t *testing.T) {
	s := newStore(t)
	u := create(t, s, "ap", "k")
	const writers, parts = 8, 4
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range 3 {
				n := (w+i)%parts + 1
				data := bytes.Repeat(fmt.Appendf(nil, "w%d-i%d;", w, i), 1000*(w+1))
				if _, err := put(s, u.ID, n, data); err != nil {
					t.Error(err)
				}
				checkWhole(t, s, u.ID)
			}
		})
	}
	wg.Wait()
	ps, _, err := s.Parts(u.ID, 0, 0)
	if err != nil || len(ps) != parts {
		t.Fatalf("Parts = %d %v", len(ps), err)
	}
	checkWhole(t, s, u.ID)
}

func checkWhole(t *testing.T, s *Store, id string) {
	t.Helper()
	nums, err := s.partNumbers(id)
	if err != nil {
		t.Error(err)
		return
	}
	for _, n := range nums {
		b, p := readPart(t, s, id, n)
		if p.ETag != md5hex(b) {
			t.Errorf("part %d: data does not match its metadata", n)
		}
	}
}
