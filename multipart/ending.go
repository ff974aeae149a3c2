package multipart

import (
	"context"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/fsxd/fsxd/internal/flock"
)

// EndLock holds upload id's end until the returned func is called. It
// serialises the ends of one upload (Complete, Abort) on every node that
// shares the staging directory: a second Complete then finds the first
// one's result, and an Abort either comes before a Complete (which then
// finds no upload) or after it (and finds none itself), never in the
// middle.
//
// Within the process a key lock does it; across processes, an flock on the
// upload's upload.json (which never changes, and goes to the trash with
// the upload: a waiter that gets the lock after a Remove finds the upload
// gone by its path). Where the file system has no flock, only the key lock
// holds. Waiting for another node polls, so ctx ends the wait (a Complete
// may hold the lock for as long as it takes to assemble the object); a
// wait within the process ends with the holder, and ctx is checked then.
func (s *Store) EndLock(ctx context.Context, id string) (unlock func(), err error) {
	unlockKey := s.ends.Lock(id)
	if err := ctx.Err(); err != nil { // gone while this process's holder ran
		unlockKey()
		return nil, err
	}
	if !validID(id) {
		return unlockKey, nil // no such upload: the caller finds that out
	}
	// O_RDWR: on NFS an exclusive flock is a POSIX write lock, which needs
	// a descriptor open for writing. Nothing is written.
	fd, err := unix.Open(filepath.Join(s.uploadDir(id), uploadJSON), unix.O_RDWR|unix.O_CLOEXEC|unix.O_NOFOLLOW, 0)
	if err != nil {
		return unlockKey, nil // gone (or going): the caller finds no upload
	}
	// Where there is no flock (not locked, no error) the key lock alone holds.
	if _, err := flock.Poll(ctx, fd); err != nil {
		unix.Close(fd)
		unlockKey()
		return nil, err
	}
	return func() { unix.Close(fd); unlockKey() }, nil // the close drops the flock
}
