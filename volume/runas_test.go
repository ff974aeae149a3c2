package volume

import (
	"runtime"
	"sync"
	"testing"

	"github.com/fsxd/fsxd"
)

// TestRunAsRestores switches many goroutines' threads at once; each sees
// its identity inside runAs, and every thread is the server's again
// afterwards (checked on a fresh locked goroutine per P's thread).
func TestRunAsRestores(t *testing.T) {
	needRoot(t)
	srv := credString(serverCreds())
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Go(func() {
			id := []fsxd.PosixIdentity{alice, carol}[i%2]
			err := runAs(id, func() error {
				if got := threadCreds(t); got != credString(id) {
					t.Errorf("inside runAs: %s, want %s", got, credString(id))
				}
				runtime.Gosched()
				return nil
			})
			if err != nil {
				t.Error(err)
			}
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			if got := threadCreds(t); got != srv {
				t.Errorf("after runAs: %s, want %s", got, srv)
			}
		})
	}
	wg.Wait()
}

func TestEquivalent(t *testing.T) {
	check := func(a, b fsxd.PosixIdentity, want bool) {
		t.Helper()
		if equivalent(a, b) != want || equivalent(b, a) != want {
			t.Errorf("equivalent(%v, %v) = %v", a, b, !want)
		}
	}
	check(fsxd.PosixIdentity{}, fsxd.PosixIdentity{Groups: []uint32{0}}, true) // the primary group is a member anyway
	check(fsxd.PosixIdentity{}, fsxd.PosixIdentity{Groups: []uint32{0, 1}}, false)
	check(alice, alice, true)
	check(alice, bob, false)
	check(carol, fsxd.PosixIdentity{UID: 1003, GID: 2003}, false)
	check(fsxd.PosixIdentity{UID: 1, GID: 1, Groups: []uint32{2, 3}}, fsxd.PosixIdentity{UID: 1, GID: 1, Groups: []uint32{3, 2, 1}}, true)
}
