package volume

// Kernel enforcement: path operations run on OS threads whose filesystem
// credentials are the identity's, so the kernel applies mode bits, ACLs,
// the sticky bit and ownership of new files exactly as for an NFS client.
//
// fsuid, fsgid and the supplementary groups are per-thread in Linux. Go's
// syscall.Setgroups and unix.Setgroups apply to every thread of the process
// (the runtime's allThreadsSyscall), so setgroups is issued raw. Threads are
// expensive to make, so a pool of locked worker goroutines is kept; each
// remembers the identity its thread holds and re-issues the three calls
// only when a request needs another one.

// The pool is no longer on the request path (runas.go switches the
// caller's own thread, without a hand-off); setThreadCreds and
// checkGroups are shared, and the pool stays for its tests.

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"unsafe"

	"github.com/fsxd/fsxd"
	"golang.org/x/sys/unix"
)

type worker struct {
	jobs chan func()
	done chan struct{}
	cur  fsxd.PosixIdentity
	have bool // cur is what the thread holds
	dead bool // credentials unknown: the thread must die, never be reused
}

type pool struct {
	slots chan struct{} // one per worker that may be busy at once
	mu    sync.Mutex
	idle  []*worker // most recently used last
	n     int       // live workers
}

// workers is shared by every Root: threads are a process resource.
var workers = sync.OnceValue(func() *pool {
	return newPool(min(32, max(8, 2*runtime.GOMAXPROCS(0))))
})

func newPool(size int) *pool { return &pool{slots: make(chan struct{}, size)} }

// run executes fn on a thread holding id's credentials and waits for it.
func (p *pool) run(ctx context.Context, id fsxd.PosixIdentity, fn func() error) error {
	w, err := p.get(ctx, id)
	if err != nil {
		return err
	}
	var ferr error
	var perr any
	w.jobs <- func() {
		defer func() { perr = recover() }()
		if ferr = w.become(id); ferr == nil {
			ferr = fn()
		}
	}
	<-w.done
	p.put(w)
	if perr != nil {
		panic(perr) // on the caller's goroutine, where it belongs
	}
	return ferr
}

// get prefers an idle worker already holding id, then a new worker while
// the pool may grow (more threads cache more identities), then the least
// recently used idle one.
func (p *pool) get(ctx context.Context, id fsxd.PosixIdentity) (*worker, error) {
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := len(p.idle) - 1; i >= 0; i-- {
		if w := p.idle[i]; w.have && sameIdentity(w.cur, id) {
			p.idle = slices.Delete(p.idle, i, i+1)
			return w, nil
		}
	}
	if p.n < cap(p.slots) || len(p.idle) == 0 {
		p.n++
		w := &worker{jobs: make(chan func()), done: make(chan struct{})}
		go w.loop()
		return w, nil
	}
	w := p.idle[0]
	p.idle = p.idle[1:]
	return w, nil
}

func (p *pool) put(w *worker) {
	p.mu.Lock()
	if w.dead {
		p.n--
	} else {
		p.idle = append(p.idle, w)
	}
	p.mu.Unlock()
	<-p.slots
}

func (w *worker) loop() {
	// Never unlocked: when this goroutine returns while still locked the
	// runtime destroys the thread instead of reusing its credentials.
	runtime.LockOSThread()
	for job := range w.jobs {
		job()
		dead := w.dead
		w.done <- struct{}{}
		if dead {
			return
		}
	}
}

// become gives this thread id's credentials and checks they took effect.
func (w *worker) become(id fsxd.PosixIdentity) error {
	if w.have && sameIdentity(w.cur, id) {
		return nil
	}
	w.have = false
	if err := setThreadCreds(id); err != nil {
		w.dead = true
		return err
	}
	w.cur = fsxd.PosixIdentity{UID: id.UID, GID: id.GID, Groups: slices.Clone(id.Groups)}
	w.have = true
	return nil
}

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
	return checkGroups(groups)
}

// checkGroups reads the thread's groups back (getgroups is per-thread).
func checkGroups(want []uint32) error {
	var buf [33]uint32 // OpenZFS allows 16 groups: no allocation per switch
	got := buf[:]
	if len(want) >= len(buf) {
		got = make([]uint32, len(want)+1)
	}
	n, _, e := unix.RawSyscall(sysGetgroups, uintptr(len(got)), uintptr(unsafe.Pointer(&got[0])), 0)
	if e != 0 || !slices.Equal(got[:n], want) {
		return fmt.Errorf("volume: thread groups %v, want %v (%v)", slices.Clone(got[:n]), want, e)
	}
	return nil
}

func sameIdentity(a, b fsxd.PosixIdentity) bool {
	return a.UID == b.UID && a.GID == b.GID && slices.Equal(a.Groups, b.Groups)
}
