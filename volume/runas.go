package volume

// Kernel enforcement: path operations run on a thread whose filesystem
// credentials are the identity's, so the kernel applies mode bits, ACLs,
// the sticky bit and ownership of new files exactly as for an NFS client.
//
// There is no hand-off: the calling goroutine locks its own thread, takes
// the identity's fsuid, fsgid and groups, runs the path operation and
// gives the thread the server's credentials back before unlocking it.
// Handing the operation to a pool of locked worker threads instead (as
// fsxd once did) costs two cross-thread wake-ups (the runtime must pass
// its P to the locked thread and back). Here a switch there and back is
// twelve syscalls: setgroups, setfsgid, setfsuid, the two read-backs and
// a capset each way (caps.go); ~22 µs on a VM where a syscall costs 1.4
// µs (BenchmarkIdentity, docs/performance.md).
//
// The runtime never clones a locked thread (newm uses its template thread
// then), so the identity's credentials cannot leak into a new thread; and
// a thread whose credentials cannot be restored is never unlocked, so the
// runtime destroys it when its goroutine ends.
//
// fsuid, fsgid and the supplementary groups are per-thread in Linux. Go's
// syscall.Setgroups and unix.Setgroups apply to every thread of the
// process (the runtime's allThreadsSyscall), so setgroups is issued raw.
//
// A thread acting as an identity that is not root also gives up its
// effective capabilities (caps.go), and gets them back with the
// server's credentials.

import (
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"
	"unsafe"

	"github.com/fsxd/fsxd"
	"golang.org/x/sys/unix"
)

// serverCreds are the credentials every unlocked thread holds.
var serverCreds = sync.OnceValue(func() fsxd.PosixIdentity {
	id := fsxd.PosixIdentity{UID: uint32(unix.Geteuid()), GID: uint32(unix.Getegid())}
	gs, _ := unix.Getgroups()
	for _, g := range gs {
		id.Groups = append(id.Groups, uint32(g))
	}
	slices.Sort(id.Groups) // the kernel's order, as the tests read it back
	return id
})

// runAs runs fn on the calling goroutine's thread holding id's
// credentials. An identity the server's threads already hold runs as is.
func runAs(id fsxd.PosixIdentity, fn func() error) error {
	srv := serverCreds()
	if equivalent(id, srv) {
		return fn()
	}
	caps := serverCaps() // read on an unlocked thread: the server's own
	start := time.Now()
	runtime.LockOSThread()
	defer restoreCreds(srv, caps)
	err := setThreadCreds(id)
	identitySwitches.since(start)
	if err != nil {
		return err
	}
	if err := dropCaps(id, caps); err != nil {
		return err
	}
	return fn()
}

// restoreCreds gives the thread the server's capabilities and credentials
// back and unlocks it. If that fails the thread stays locked and the
// goroutine panics: the runtime then destroys the thread instead of
// reusing its credentials (net/http recovers a handler's panic and ends
// the connection).
func restoreCreds(srv fsxd.PosixIdentity, caps capSet) {
	start := time.Now()
	err := restoreCaps(caps)
	if err == nil {
		err = setThreadCreds(srv)
	}
	if err == nil && !capsSettled(srv, caps) {
		err = checkCaps(caps)
	}
	identitySwitches.ns.Add(int64(time.Since(start))) // counted once, with the switch in
	if err != nil {
		panic("volume: cannot restore the server's credentials: " + err.Error())
	}
	runtime.UnlockOSThread()
}

// equivalent reports whether a thread holding a acts exactly as one
// holding b: the same fsuid and fsgid, and the same group membership
// (the primary group counts as a member whether listed or not).
func equivalent(a, b fsxd.PosixIdentity) bool {
	return a.UID == b.UID && a.GID == b.GID && subset(a.Groups, b) && subset(b.Groups, a)
}

func subset(gs []uint32, of fsxd.PosixIdentity) bool {
	for _, g := range gs {
		if !of.InGroup(g) {
			return false
		}
	}
	return true
}

// setThreadCreds gives this thread id's credentials and checks they took
// effect.
func setThreadCreds(id fsxd.PosixIdentity) error {
	groups := id.Groups
	var ptr unsafe.Pointer
	if len(groups) > 0 {
		ptr = unsafe.Pointer(&groups[0])
	}
	if _, _, e := unix.RawSyscall(sysSetgroups, uintptr(len(groups)), uintptr(ptr), 0); e != 0 {
		return fmt.Errorf("volume: setgroups: %w", e)
	}
	// setfsuid/setfsgid return the previous value and never fail loudly;
	// an invalid id (-1) changes nothing and reads the current value back.
	unix.SetfsgidRetGid(int(id.GID))
	unix.SetfsuidRetUid(int(id.UID))
	gid, _ := unix.SetfsgidRetGid(-1)
	uid, _ := unix.SetfsuidRetUid(-1)
	if uint32(uid) != id.UID || uint32(gid) != id.GID {
		return fmt.Errorf("volume: thread credentials %d:%d, want %d:%d", uid, gid, id.UID, id.GID)
	}
	// setgroups sets the whole list or fails: unlike setfsuid it needs no
	// read-back (TestRunAsRestores reads the groups back).
	return nil
}
