package volume

import (
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
		exists, err := f.replaceCheck(dirfd, c.name)
		if exists != c.exists || err != c.err {
			t.Errorf("replaceCheck(%q) = %v, %v; want %v, %v", c.name, exists, err, c.exists, c.err)
		}
	}
	mustPut(t, f, "d/sub/x", "y")
	if exists, err := f.replaceCheck(dirfd, "sub"); !exists || err != unix.EISDIR {
		t.Errorf("replaceCheck(dir) = %v, %v; want true, EISDIR", exists, err)
	}
}
