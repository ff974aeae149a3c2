package keylock

import (
	"sync"
	"testing"
)

// TestLock: holders of one key run one at a time, other keys do not wait
// for them, and no key is kept once nobody holds or waits for it.
func TestLock(t *testing.T) {
	var s Set
	var wg sync.WaitGroup
	inside := map[string]int{}
	var mu sync.Mutex
	for i := range 64 {
		key := []string{"a", "b"}[i%2]
		wg.Go(func() {
			unlock := s.Lock(key)
			mu.Lock()
			inside[key]++
			n := inside[key]
			mu.Unlock()
			if n != 1 {
				t.Errorf("%d holders of %s at once", n, key)
			}
			mu.Lock()
			inside[key]--
			mu.Unlock()
			unlock()
		})
	}
	wg.Wait()
	if n := s.Len(); n != 0 {
		t.Errorf("%d keys kept after every unlock", n)
	}
	unlockA := s.Lock("a")
	unlockB := s.Lock("b") // another key: does not wait for a
	unlockB()
	unlockA()
}
