package volume

import (
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

// replaceCheck says whether something is at the name, which Commit uses
// to skip a linkat that cannot succeed.
func TestReplaceCheckExists(t *testing.T) {
	r, _ := newRoot(t, Options{Enforce: UserSpace})
	f := r.As(rootID)
	mustPut(t, f, "d/obj", "x")
	dirfd, err := r.openPath("d", unix.O_DIRECTORY)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(dirfd)
	for _, c := range []struct {
		name   string
		exists bool
		err    error
	}{
		{"obj", true, nil},
		{"none", false, nil},
	} {
		var st unix.Stat_t
		exists, err := f.replaceCheck(dirfd, c.name, &st)
		if exists != c.exists || err != c.err {
			t.Errorf("replaceCheck(%q) = %v, %v; want %v, %v", c.name, exists, err, c.exists, c.err)
		}
	}
	mustPut(t, f, "d/sub/x", "y")
	var st unix.Stat_t
	if exists, err := f.replaceCheck(dirfd, "sub", &st); !exists || err != unix.EISDIR {
		t.Errorf("replaceCheck(dir) = %v, %v; want true, EISDIR", exists, err)
	}
}

// flinks says which threads may link a temp file by its fd: those with
// the server's capabilities, never a non-root identity's in Kernel mode.
func TestFlinks(t *testing.T) {
	needRoot(t)
	kernel, _ := newRoot(t, Options{Enforce: Kernel})
	user, _ := newRoot(t, Options{Enforce: UserSpace})
	capable := serverCaps().effective()&(1<<2) != 0
	for _, c := range []struct {
		name string
		f    *FS
		want bool
	}{
		{"kernel/root", kernel.As(rootID), capable},
		{"kernel/alice", kernel.As(alice), false},
		{"userspace/alice", user.As(alice), capable},
	} {
		if got := c.f.flinks(); got != c.want {
			t.Errorf("%s: flinks() = %v, want %v", c.name, got, c.want)
		}
	}
	// Both ways of linking give the same result: overwrite as each.
	for _, f := range []*FS{kernel.As(rootID), kernel.As(alice)} {
		k := "o" + strconv.Itoa(int(f.id.UID)) + "/k"
		mustPut(t, f, k, "one")
		mustPut(t, f, k, "two")
		if got, err := get(t, f, k); err != nil || got != "two" {
			t.Errorf("uid %d: got %q, %v after overwrite", f.id.UID, got, err)
		}
	}
}
