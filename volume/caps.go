package volume

// Capabilities of a thread acting as an identity. setfsuid to a non-zero
// id clears only the file-system capabilities (CAP_CHOWN, CAP_DAC_*,
// CAP_FOWNER, CAP_FSETID, ...) from the thread's effective set. The others
// stay, and some change what a file operation may do: CAP_SYS_RESOURCE
// lets a write use ext4's root-reserved blocks and pass disk quota hard
// limits, CAP_SYS_ADMIN lets it write trusted.* xattrs. An identity that
// is not root holds none of them, so while a thread acts as one its
// effective set is emptied. The permitted set is kept: it is what lets
// the thread raise the server's effective set again when it is restored.
//
// capset(2) with pid 0 changes the calling thread only, as setgroups
// does; it is issued raw for the same reason (runas.go).

import (
	"fmt"
	"sync"
	"unsafe"

	"github.com/fsxd/fsxd"
	"golang.org/x/sys/unix"
)

// capSet is one thread's capability sets, version 3 (64 bits in two words).
type capSet [2]unix.CapUserData

// serverCaps are the capability sets every unlocked thread holds.
var serverCaps = sync.OnceValue(func() capSet {
	c, err := threadCaps()
	if err != nil {
		panic("volume: capget: " + err.Error())
	}
	return c
})

func threadCaps() (capSet, error) {
	var c capSet
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	_, _, e := unix.RawSyscall(unix.SYS_CAPGET, uintptr(unsafe.Pointer(&hdr)), uintptr(unsafe.Pointer(&c[0])), 0)
	if e != 0 {
		return c, e
	}
	return c, nil
}

func setThreadCaps(c capSet) error {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	if _, _, e := unix.RawSyscall(unix.SYS_CAPSET, uintptr(unsafe.Pointer(&hdr)), uintptr(unsafe.Pointer(&c[0])), 0); e != 0 {
		return fmt.Errorf("volume: capset: %w", e)
	}
	return nil
}

// effective is the effective set as one mask (bit n: capability n).
func (c capSet) effective() uint64 {
	return uint64(c[0].Effective) | uint64(c[1].Effective)<<32
}

// dropCaps empties this thread's effective set unless id is root, who
// keeps the server's. It runs after the credentials are set: setgroups
// and setfsuid need CAP_SETGID and CAP_SETUID.
func dropCaps(id fsxd.PosixIdentity, srv capSet) error {
	if id.UID == 0 || srv.effective() == 0 {
		return nil
	}
	c := srv
	c[0].Effective, c[1].Effective = 0, 0
	return setThreadCaps(c)
}

// restoreCaps gives this thread the server's sets back (before its
// credentials: restoring those needs CAP_SETGID and CAP_SETUID).
func restoreCaps(srv capSet) error {
	if srv.effective() == 0 {
		return nil
	}
	return setThreadCaps(srv)
}

// capsSettled reports whether restoring the server's credentials (srv,
// its sets caps) must leave exactly caps' effective set once capset
// has set it, so checkCaps could find nothing: setfsuid back to 0 only
// ever raises permitted file-system capabilities into the effective set
// (the kernel's cap_task_fix_setuid), and these are all in effect already
// when the effective set holds the whole permitted set. A server that is
// not root can lose some on the way back from a root identity: checked.
func capsSettled(srv fsxd.PosixIdentity, caps capSet) bool {
	perm := uint64(caps[0].Permitted) | uint64(caps[1].Permitted)<<32
	return srv.UID == 0 && perm&^caps.effective() == 0
}

// checkCaps reads the effective set back once the credentials are the
// server's again: setfsuid(0) raises the file-system capabilities, so
// only now is the set final.
func checkCaps(srv capSet) error {
	c, err := threadCaps()
	if err == nil && c.effective() != srv.effective() {
		err = fmt.Errorf("volume: thread capabilities %#x, want %#x", c.effective(), srv.effective())
	}
	return err
}
