package volume

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fsxd/fsxd"
)

// TestConcurrentIdentities: goroutines with different identities, more
// of them than Ps, switch their own threads in runAs (the scheduler moves
// goroutines between Ps while some hold an identity) and must never see
// each other's credentials, inside or after an operation.
func TestConcurrentIdentities(t *testing.T) {
	needRoot(t)
	r, dir := newRoot(t, Options{NoFsync: true, Umask: NoUmask})
	mkfile(t, dir, "alice-only", 0o600, 1001, 2001, "a")
	ids := []fsxd.PosixIdentity{alice, bob, carol, {UID: 1004, GID: 2004, Groups: []uint32{5, 6, 7}}}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			for j := range 200 {
				id := ids[(g+j)%len(ids)]
				if err := stressOp(t, r, dir, id, fmt.Sprintf("g%d/%d", g, j)); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func stressOp(t *testing.T, r *Root, dir string, id fsxd.PosixIdentity, k string) error {
	f := r.As(id)
	if _, err := put(t, f, k, k); err != nil {
		return fmt.Errorf("%d put %s: %w", id.UID, k, err)
	}
	// The file is the identity's; its directory was made by whoever came
	// first (g<n>/ is shared by all four identities: 0777 via NoUmask).
	if uid, gid := owner(t, filepath.Join(dir, k)); uid != id.UID || gid != id.GID {
		return fmt.Errorf("%s owned %d:%d, want %d:%d", k, uid, gid, id.UID, id.GID)
	}
	_, err := get(t, f, "alice-only")
	if (err == nil) != (id.UID == alice.UID) {
		return fmt.Errorf("%d reading alice-only: %v", id.UID, err)
	}
	err = f.do(ctx, func() error {
		if got := threadCreds(t); got != credString(id) {
			return fmt.Errorf("thread has %s, want %s", got, credString(id))
		}
		runtime.Gosched() // let the other goroutines run while this one holds id
		if got := threadCreds(t); got != credString(id) {
			return fmt.Errorf("thread has %s after yielding, want %s", got, credString(id))
		}
		return nil
	})
	if err != nil {
		return err
	}
	runtime.LockOSThread() // threadCreds reads this thread's status
	defer runtime.UnlockOSThread()
	if got, srv := threadCreds(t), credString(serverCreds()); got != srv {
		return fmt.Errorf("thread has %s after %d's operation, want the server's %s", got, id.UID, srv)
	}
	return nil
}

// TestFIFONeverBlocks: opening a FIFO with no writer would block a
// normal open forever.
func TestFIFONeverBlocks(t *testing.T) {
	modes(t, func(t *testing.T, e Enforcement) {
		r, dir := newRoot(t, optsFor(e))
		if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o666); err != nil {
			t.Fatal(err)
		}
		syscall.Symlink("fifo", filepath.Join(dir, "tofifo"))
		f := r.As(alice)
		done := make(chan error, 1)
		go func() {
			_, err1 := f.Open(ctx, key(t, "fifo"))
			_, err2 := f.Open(ctx, key(t, "tofifo"))
			_, err3 := f.Stat(ctx, key(t, "fifo"))
			done <- errors.Join(check(err1, ErrNotRegular), check(err2, ErrNotRegular), check(err3, ErrNotRegular))
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("Open of a FIFO blocked")
		}
	})
}

func check(err, want error) error {
	if !errors.Is(err, want) {
		return fmt.Errorf("got %v, want %v", err, want)
	}
	return nil
}

// TestPruneRacesCreate: a Remove pruning an implicit directory must not
// make a concurrent Create in it fail.
func TestPruneRacesCreate(t *testing.T) {
	for _, tmpfile := range []bool{true, false} {
		r, _ := newRoot(t, Options{NoFsync: true})
		r.tmpfile = tmpfile
		f := r.As(rootID)
		var wg sync.WaitGroup
		for g := range 2 {
			wg.Go(func() {
				k := fmt.Sprintf("r/a/b/%d", g)
				for range 300 {
					if _, err := put(t, f, k, "x"); err != nil {
						t.Errorf("tmpfile=%v put: %v", tmpfile, err)
						return
					}
					if err := f.Remove(ctx, key(t, k)); err != nil {
						t.Errorf("tmpfile=%v remove: %v", tmpfile, err)
						return
					}
				}
			})
		}
		wg.Wait()
	}
}

// TestPruneRacesMkdir: a DELETE of the last key in an implicit directory
// prunes it while a PUT of the directory's marker ("d/") runs. Whichever
// order they take, an acknowledged marker stays: the prune re-reads the
// directory's Meta while no Mkdir holds it.
func TestPruneRacesMkdir(t *testing.T) {
	r, _ := newRoot(t, Options{NoFsync: true})
	f := r.As(rootID)
	for i := range 200 {
		dir := fmt.Sprintf("m/%d/", i)
		if _, err := put(t, f, dir+"x", "x"); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		wg.Go(func() {
			if err := f.Remove(ctx, key(t, dir+"x")); err != nil {
				t.Errorf("remove: %v", err)
			}
		})
		var merr error
		wg.Go(func() { _, merr = f.Mkdir(ctx, key(t, dir), Meta{}) })
		wg.Wait()
		if merr != nil {
			continue // refused, not acknowledged: nothing promised
		}
		if in, err := f.Stat(ctx, key(t, dir)); err != nil || in.Meta == nil || !in.Meta.DirMarker {
			t.Fatalf("marker %s lost after its Mkdir returned: %+v, %v", dir, in, err)
		}
	}
}
