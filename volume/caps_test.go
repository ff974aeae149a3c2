package volume

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/fsxd/fsxd"
)

// threadCapEff is the calling thread's effective capability set, as the
// kernel reports it in /proc/thread-self/status.
func threadCapEff(t testing.TB) uint64 {
	t.Helper()
	b, err := os.ReadFile("/proc/thread-self/status")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "CapEff:"); ok {
			n, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatal("no CapEff in /proc/thread-self/status")
	return 0
}

// Capability bits (linux/capability.h).
const (
	capSetuid   = 7
	capSysAdmin = 21
)

// TestRunAsDropsCaps: a thread acting as a user holds no effective
// capability (CAP_SYS_RESOURCE, CAP_SYS_ADMIN, CAP_FOWNER and CAP_DAC_*
// among them), one acting as root keeps the server's, and every thread has
// the server's set again afterwards, also when many switch at once.
func TestRunAsDropsCaps(t *testing.T) {
	needRoot(t)
	runtime.LockOSThread()
	srv := threadCapEff(t)
	runtime.UnlockOSThread()
	// A container may withhold some (CAP_SYS_RESOURCE, say); the server
	// must hold at least those it needs to switch, which setfsuid keeps.
	if srv&(1<<capSetuid) == 0 || srv&(1<<capSysAdmin) == 0 {
		t.Fatalf("the server lacks CAP_SETUID or CAP_SYS_ADMIN (CapEff %#x): nothing to drop", srv)
	}
	rootGroups := fsxd.PosixIdentity{UID: 0, GID: 0, Groups: []uint32{5}}
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Go(func() {
			id := []fsxd.PosixIdentity{alice, carol, rootGroups}[i%3]
			want := uint64(0)
			if id.UID == 0 {
				want = srv
			}
			runAs(id, func() error {
				if got := threadCapEff(t); got != want {
					t.Errorf("as %v: CapEff %#x, want %#x", id, got, want)
				}
				runtime.Gosched()
				return nil
			})
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			if got := threadCapEff(t); got != srv {
				t.Errorf("after runAs(%v): CapEff %#x, want %#x", id, got, srv)
			}
		})
	}
	wg.Wait()
}

// TestCapsSettled: the restore's read-back is skipped only where setfsuid
// back to root cannot change the effective set capset gave the thread.
func TestCapsSettled(t *testing.T) {
	set := func(eff, perm uint64) capSet {
		var c capSet
		c[0].Effective, c[1].Effective = uint32(eff), uint32(eff>>32)
		c[0].Permitted, c[1].Permitted = uint32(perm), uint32(perm>>32)
		return c
	}
	const all = 1<<41 - 1
	root, user := fsxd.PosixIdentity{}, fsxd.PosixIdentity{UID: 1000, GID: 1000}
	for _, tc := range []struct {
		name string
		srv  fsxd.PosixIdentity
		caps capSet
		want bool
	}{
		{"root, all in effect", root, set(all, all), true},
		{"root, none", root, set(0, 0), true},
		{"root, a permitted cap not in effect", root, set(all&^(1<<capSysAdmin), all), false},
		{"root, CAP_DAC_OVERRIDE permitted only", root, set(1<<capSetuid, 1<<capSetuid|1<<1), false},
		{"root, bit 40 permitted only", root, set(all&^(1<<40), all), false},
		{"not root", user, set(all, all), false},
	} {
		if got := capsSettled(tc.srv, tc.caps); got != tc.want {
			t.Errorf("%s: capsSettled = %v, want %v", tc.name, got, tc.want)
		}
	}
}
