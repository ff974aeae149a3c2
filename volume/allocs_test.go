package volume

import (
	"testing"

	"github.com/fsxd/fsxd/internal/race"
)

// TestAllocsIdentitySwitch holds a Stat run as an access point identity
// (one fsuid/fsgid/groups switch and restore, README Performance) to
// today's allocation count. `make test` runs it without -race.
func TestAllocsIdentitySwitch(t *testing.T) {
	if race.Enabled {
		t.Skip("allocation counts differ under -race; make test runs TestAllocs* without it")
	}
	needRoot(t)
	const budget = 8
	r, _ := newRoot(t, Options{Enforce: Kernel, NoFsync: true})
	mustPut(t, r.As(rootID), "dir/sub/object", "x")
	p := key(t, "dir/sub/object")
	fs := r.As(alice)
	n := testing.AllocsPerRun(100, func() {
		if _, err := fs.Stat(ctx, p); err != nil {
			t.Fatal(err)
		}
	})
	if n > budget {
		t.Errorf("Stat as an identity allocates %v times, budget %d", n, budget)
	}
	t.Logf("Stat as alice: %v allocations", n)
}
