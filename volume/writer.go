package volume

// Writes are all-or-nothing. Data goes to an unnamed O_TMPFILE in the
// target's directory (or, where O_TMPFILE is unsupported, to a hidden
// ".fsxd-tmp-<random>" file there that Walk never lists and CleanTemp
// removes), so a crash leaves nothing visible. Commit then gives the
// inode its name atomically: linkat when the name is free, else a link
// under a hidden name and rename over the old file, so a reader holding
// the old file keeps reading the old bytes.

import (
	"context"
	"errors"
	"io"
	"os"
	"runtime"

	"golang.org/x/sys/unix"

	"github.com/fsxd/fsxd/internal/reap"
)

// Writer receives the bytes of one new file. Exactly one of Commit or
// Abort ends it; Abort after Commit is a no-op.
type Writer struct {
	fs      *FS
	p       Path
	f       *os.File
	dirfd   int    // O_PATH fd of the target's directory
	made    []int  // parents of directories Create made, to fsync
	tmpName string // hidden name in dirfd, "" for O_TMPFILE
	noClone bool   // FICLONERANGE cannot work here: do not retry
	adopted bool   // f is a file Adopt took over
	release func() // ends the busyDirs hold on dirfd
	done    bool
	cleanup runtime.Cleanup // closes the fds of a Writer dropped unfinished

	hasCleanup bool
}

var errDone = errors.New("volume: writer already committed or aborted")

// Create starts a new file at p. The identity's permission to create (and
// to replace what is there) is checked now, and missing parent
// directories are made as the identity with mode 0777&^umask, marked
// Implicit. If Create fails after making directories they are pruned
// again by the rule of Remove.
func (f *FS) Create(ctx context.Context, p Path) (*Writer, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	if p.dir {
		return nil, wrap("create", p.String(), unix.EISDIR) // directory objects: Mkdir
	}
	if err := f.r.guard(p.rel); err != nil {
		return nil, wrap("create", p.String(), err)
	}
	w := &Writer{fs: f, p: p, dirfd: -1}
	err := f.do(ctx, func() error {
		if err := f.userSearch(p); err != nil {
			return err
		}
		return w.start()
	})
	if err != nil {
		w.Abort()
		return nil, wrap("create", p.String(), err)
	}
	fds, release := append([]int{w.dirfd}, w.made...), w.release
	w.cleanup = runtime.AddCleanup(w, func(fds []int) { closeAll(fds); release() }, fds)
	w.hasCleanup = true
	return w, nil
}

// start makes the parents and the temp file, as the identity. The
// directory stays held (busyDirs) until Commit or Abort; another node may
// still remove it before the temp file is in it (ENOENT): then
// everything is made again.
func (w *Writer) start() error {
	for attempt := 0; ; attempt++ {
		var err error
		w.dirfd, w.made, w.release, err = w.fs.makeParents(w.p.parentComps())
		if err == nil {
			if err = w.fs.mayReplace(w.dirfd, w.p.Base()); err == nil {
				err = w.openTemp()
			}
			if err != nil && dirGone(w.dirfd) {
				err = unix.ENOENT // O_TMPFILE in a removed directory says EPERM
			}
		}
		if err != unix.ENOENT || attempt == 3 {
			return err
		}
		w.closeFds()
	}
}

// dirGone reports whether the directory fd has been removed.
func dirGone(fd int) bool {
	var st unix.Stat_t
	return unix.Fstat(fd, &st) == nil && st.Nlink == 0
}

// openTemp makes the file that receives the data, as the identity. The
// Writer holds an exclusive flock on it until Commit or Abort closes it,
// so CleanTemp (of this or another node) never removes a live file under
// a hidden name (clean.go); a crash releases the lock.
func (w *Writer) openTemp() error {
	r := w.fs.r
	if r.tmpfile {
		fd, err := unix.Openat(w.dirfd, ".", unix.O_TMPFILE|unix.O_RDWR|unix.O_CLOEXEC, r.fileMode())
		if err == nil {
			unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB) // a new inode: nobody else can hold it
			return w.setFile(fd)
		}
		if err != unix.EOPNOTSUPP && err != unix.EISDIR {
			return err
		}
	}
	flags := unix.O_CREAT | unix.O_EXCL | unix.O_RDWR | unix.O_NOFOLLOW | unix.O_CLOEXEC
	for {
		w.tmpName = tempPrefix + randHex()
		fd, err := unix.Openat(w.dirfd, w.tmpName, flags, r.fileMode())
		if err != nil {
			w.tmpName = ""
			return err
		}
		if claimTemp(fd) {
			return w.setFile(fd)
		}
		unix.Close(fd) // a CleanTemp took it between create and lock, and unlinks it
	}
}

// claimTemp locks a just-created hidden temp file, and reports false if a
// CleanTemp got to it first. Where flock is unsupported the file is used
// unlocked; CleanTemp then leaves it alone too.
func claimTemp(fd int) bool {
	err := unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB)
	if err == unix.EWOULDBLOCK {
		return false
	}
	var st unix.Stat_t
	return unix.Fstat(fd, &st) != nil || st.Nlink > 0
}

// setFile fixes the mode (the process umask may differ from ours).
func (w *Writer) setFile(fd int) error {
	w.f = os.NewFile(uintptr(fd), w.p.String())
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return err
	}
	if st.Mode&0o777 != w.fs.r.fileMode() {
		return unix.Fchmod(fd, w.fs.r.fileMode())
	}
	return nil
}

// Write appends b, as the identity: the kernel charges the blocks a
// write allocates against the writing thread's credentials (ext4's
// root-reserved blocks, the hard limits of disk quotas), so a write on a
// thread with the server's would reach space the identity may not use.
// Callers should write in large pieces: each is one credential switch.
func (w *Writer) Write(b []byte) (int, error) {
	return reap.Write(b, w.write)
}

func (w *Writer) write(b []byte) (n int, err error) {
	err = w.fs.WriteAs(func() (err error) {
		n, err = w.f.Write(b)
		return err
	})
	return n, err
}

// ReadFrom appends all of r, read into a buffer with the server's
// credentials and written as the identity (Write): a thread must not
// hold the identity while it waits on the network.
func (w *Writer) ReadFrom(r io.Reader) (int64, error) {
	return io.CopyBuffer(writerOnly{w}, r, make([]byte, 256<<10))
}

// writerOnly hides ReadFrom so io.CopyBuffer does not call it back.
type writerOnly struct{ io.Writer }

// WriteAs runs fn, which must only write to files already open (no path
// operation, no waiting on other goroutines), as the identity in Kernel
// mode, so the space it may fill is the identity's (see Writer.Write);
// as is in UserSpace mode, where the server is not root and holds no
// capability that changes where a write may go.
func (f *FS) WriteAs(fn func() error) error {
	if !f.r.kernel {
		return fn()
	}
	return runAs(f.id, fn)
}

// Append appends n bytes of src starting at off, in the kernel: a reflink
// (FICLONERANGE) when the file system shares blocks and the range is
// block-aligned, else copy_file_range, else a plain copy. Multipart
// uploads assemble parts with it.
func (w *Writer) Append(src *os.File, off, n int64) error {
	if w.done {
		return errDone
	}
	defer runtime.KeepAlive(src)
	// As the identity, as Write: only file I/O, no waiting on the network
	// (nor on reap, so a full disk is retried outside).
	try := func() error { return w.fs.WriteAs(func() error { return w.appendRange(src, &off, &n) }) }
	before := reap.Closed()
	err := try()
	if err != nil && reap.Retry(before, err) {
		err = try()
	}
	return err
}

// appendRange appends *n bytes of src from *off, advancing both by what
// it appended, so that a second call continues where a failed one stopped.
func (w *Writer) appendRange(src *os.File, off, n *int64) error {
	sfd, dfd := int(src.Fd()), int(w.f.Fd())
	if *n > 0 {
		err := w.clone(sfd, dfd, *off, *n)
		if err == nil {
			*off += *n
			*n = 0
			return nil
		}
		if reap.NoSpace(err) {
			return err
		}
	}
	for *n > 0 {
		c, err := unix.CopyFileRange(sfd, off, dfd, nil, int(min(*n, 1<<30)), 0)
		if err != nil && c <= 0 {
			if reap.NoSpace(err) {
				return err
			}
			return w.copyRange(src, off, n)
		}
		if c == 0 {
			return io.ErrUnexpectedEOF
		}
		*n -= int64(c)
	}
	return nil
}

func (w *Writer) clone(sfd, dfd int, off, n int64) error {
	if w.noClone {
		return unix.EOPNOTSUPP
	}
	var st unix.Stat_t
	if err := unix.Fstat(dfd, &st); err != nil {
		return err
	}
	// The object ends at the file offset, not at the size: a clone that
	// failed part way may have grown the file (btrfs's clone code raises
	// the size extent by extent), and the retry must overwrite that part,
	// not follow it.
	pos, err := w.f.Seek(0, io.SeekCurrent)
	if err != nil {
		return err
	}
	bs := int64(st.Blksize)
	if bs <= 0 || off%bs != 0 || pos%bs != 0 || n%bs != 0 {
		return unix.EINVAL
	}
	rng := unix.FileCloneRange{Src_fd: int64(sfd), Src_offset: uint64(off),
		Src_length: uint64(n), Dest_offset: uint64(pos)}
	if err := unix.IoctlFileCloneRange(dfd, &rng); err != nil {
		// A full disk is this moment's, not the file system's: the retry
		// after reap's free clones again.
		w.noClone = !reap.NoSpace(err)
		return err
	}
	_, err = w.f.Seek(pos+n, io.SeekStart) // a clone leaves the offset alone
	return err
}

// copyRange is the last resort, for file systems copy_file_range refuses.
// It runs inside Append's switch: it writes to w.f, not through Write.
func (w *Writer) copyRange(src *os.File, off, n *int64) error {
	want := *n
	got, err := io.Copy(w.f, io.NewSectionReader(src, *off, want))
	*off += got
	*n -= got
	if err == nil && got != want {
		err = io.ErrUnexpectedEOF
	}
	return err
}

// Abort discards the file and any directories Create made for it.
func (w *Writer) Abort() error {
	if w.done {
		return nil
	}
	w.done = true
	err := w.f.Close()
	if w.tmpName != "" {
		w.fs.do(context.Background(), func() error { return unix.Unlinkat(w.dirfd, w.tmpName, 0) })
	}
	made := len(w.made) > 0
	w.closeFds()
	if made {
		w.fs.prune(context.Background(), w.p)
	}
	return err
}

func (w *Writer) closeFds() {
	if w.hasCleanup {
		w.cleanup.Stop()
		w.hasCleanup = false
	}
	if w.release != nil {
		w.release()
		w.release = nil
	}
	if w.dirfd >= 0 {
		unix.Close(w.dirfd)
	}
	closeAll(w.made)
	w.dirfd, w.made = -1, nil
}
