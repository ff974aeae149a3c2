// Package flock takes exclusive flocks that another process (another fsxd
// node on a shared file system) may hold for a while: it polls, so the
// caller's context ends the wait and no thread sleeps in the kernel.
package flock

import (
	"context"
	"time"

	"golang.org/x/sys/unix"
)

// Poll takes an exclusive flock on fd, trying again with growing pauses
// (up to MaxPause) while another holds it. locked is false, with no
// error, where the file system has no flock or refuses it on this
// descriptor: the caller then goes without.
func Poll(ctx context.Context, fd int) (locked bool, err error) {
	for wait := time.Millisecond; ; wait = min(2*wait, MaxPause) {
		switch err := unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB); err {
		case nil:
			return true, nil
		case unix.EWOULDBLOCK:
		case unix.EINTR:
			continue
		default:
			return false, nil
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return false, ctx.Err()
		case <-t.C:
		}
	}
}

// MaxPause is the longest pause between attempts.
const MaxPause = 50 * time.Millisecond
