package volume

import (
	"context"

	"golang.org/x/sys/unix"

	"github.com/fsxd/fsxd/internal/flock"
)

// A write with If-Match and a conditional delete check the file and then
// change it. The key lock (locks.go) keeps this process's requests from
// interleaving there; lockEntry does the same against other nodes that
// share the file system, with an flock on the file itself. The lock is on
// the inode, so a waiter that gets it after the file was replaced or
// removed finds that the name no longer names what it locked, and locks
// whatever the name names now: its check then sees the new file.

// lockEntry holds an flock on the regular file p names until release is
// called. Nothing there, something other than a regular file, a file the
// identity may not open, or a file system without flock: there is nothing
// to hold (this node's key lock alone serialises), and release does
// nothing. Waiting polls, so ctx ends it.
func (f *FS) lockEntry(ctx context.Context, p Path) (release func(), err error) {
	none := func() {}
	for {
		var dirfd, fd int
		err := f.do(ctx, func() error {
			var err error
			dirfd, fd, err = openForLock(f.r, p)
			return err
		})
		if err != nil || fd < 0 {
			switch err {
			case unix.ENOENT, unix.ENOTDIR, unix.ELOOP, unix.EXDEV:
				err = nil // no file to hold (or a symlink): the check decides
			}
			return none, err
		}
		locked, err := flock.Poll(ctx, fd)
		if err == nil && locked && !stillNamed(dirfd, p.Base(), fd) {
			unix.Close(fd) // replaced or removed while this waited
			unix.Close(dirfd)
			continue
		}
		unix.Close(dirfd)
		if err != nil || !locked {
			unix.Close(fd)
			return none, err
		}
		return func() { unix.Close(fd) }, nil // the close drops the flock
	}
}

// openForLock opens p's directory and, if p names a regular file, the file
// for an flock: read-write where the identity may (NFS's exclusive lock
// is a POSIX write lock; nothing is written), else read-only. fd is -1 when there is no such
// file. The file is opened through O_PATH first, so a FIFO or a device
// that took its name is never opened.
func openForLock(r *Root, p Path) (dirfd, fd int, err error) {
	dirfd, err = r.openPath(p.dirRel(), unix.O_DIRECTORY)
	if err != nil {
		return -1, -1, err
	}
	pfd, err := openChild(dirfd, p.Base(), unix.O_PATH)
	if err != nil {
		unix.Close(dirfd)
		return -1, -1, err
	}
	defer unix.Close(pfd)
	var st unix.Stat_t
	if err := unix.Fstat(pfd, &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFREG {
		unix.Close(dirfd)
		return -1, -1, err
	}
	for _, mode := range []int{unix.O_RDWR, unix.O_RDONLY} {
		// Read-only when writing is refused: no permission, a file being
		// executed (ETXTBSY), an immutable one, a read-only mount.
		if fd, err = unix.Open(procPath(pfd, ""), mode|unix.O_NOCTTY|unix.O_CLOEXEC, 0); err == nil {
			break
		}
	}
	if err != nil { // the identity may not open it at all: nothing to hold
		unix.Close(dirfd)
		return -1, -1, nil
	}
	return dirfd, fd, nil
}

// stillNamed: name in dirfd still names the file fd has open.
func stillNamed(dirfd int, name string, fd int) bool {
	var a, b unix.Stat_t
	return unix.Fstatat(dirfd, name, &a, unix.AT_SYMLINK_NOFOLLOW) == nil && unix.Fstat(fd, &b) == nil &&
		a.Dev == b.Dev && a.Ino == b.Ino
}
