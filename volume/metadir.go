package volume

// Meta storage. Normally Meta is the user.fsxd.meta xattr of the file
// itself, read and written as the identity (so the kernel requires read
// permission to see it and write permission to change it). On file
// systems without user xattrs it lives in Options.MetaDir instead: one
// file per inode named "<dev>-<ino>" in hex, owned by the server. Stamp
// (which holds the inode) makes a file left behind by a deleted inode,
// whose number was reused, read as stale rather than as the new file's.

import (
	"os"
	"strconv"
	"sync"

	"golang.org/x/sys/unix"
)

type metaDir struct {
	fd int
}

func openMetaDir(dir string) (*metaDir, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	fd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open meta dir", Path: dir, Err: err}
	}
	return &metaDir{fd: fd}, nil
}

func (m *metaDir) close() { unix.Close(m.fd) }

func metaName(dev, ino uint64) string {
	return strconv.FormatUint(dev, 16) + "-" + strconv.FormatUint(ino, 16)
}

// asServer runs fn on a fresh goroutine and waits. A thread holding an
// identity's credentials is locked to the goroutine in runAs, so the new
// goroutine runs on a thread with the server's own credentials: MetaDir files must never be touched as
// the identity (it may not write there, and they must stay the server's).
func asServer(fn func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	<-done
}

func (m *metaDir) load(dev, ino uint64) (b []byte) {
	asServer(func() {
		fd, err := unix.Openat(m.fd, metaName(dev, ino), unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != nil {
			return
		}
		f := os.NewFile(uintptr(fd), "meta")
		defer f.Close()
		buf := make([]byte, 64<<10)
		n, _ := f.ReadAt(buf, 0)
		b = buf[:n]
	})
	return b
}

// store replaces the entry atomically: write a temp file, rename over.
// Durability follows the data file's fsync policy only loosely: a lost
// entry reads as "no Meta", never as wrong Meta.
func (m *metaDir) store(dev, ino uint64, b []byte) (err error) {
	asServer(func() {
		name := metaName(dev, ino)
		tmp := tempPrefix + name + "-" + randHex()
		var fd int
		fd, err = unix.Openat(m.fd, tmp, unix.O_CREAT|unix.O_EXCL|unix.O_WRONLY|unix.O_CLOEXEC, 0o600)
		if err != nil {
			return
		}
		f := os.NewFile(uintptr(fd), tmp)
		_, err = f.Write(b)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = unix.Renameat(m.fd, tmp, m.fd, name)
		}
		if err != nil {
			unix.Unlinkat(m.fd, tmp, 0)
		}
	})
	return err
}

func (m *metaDir) drop(dev, ino uint64) {
	asServer(func() { unix.Unlinkat(m.fd, metaName(dev, ino), 0) })
}

// info builds the Info of the file st with its Meta, found as entry name
// of directory fd (not following a symlink), or as fd itself when name is
// "". Without xattrs Meta comes from MetaDir. In UserSpace mode
// the kernel's rule (reading a user xattr needs read permission) is
// applied in Go.
func (f *FS) info(key string, fd int, name string, st *unix.Stat_t) Info {
	in, _ := f.infoRead(key, fd, name, st)
	return in
}

// infoRead is info that also says how the Meta was read: rawLen is the
// encoded size, -1 when the answer is not to be remembered (MetaDir, or
// a read that failed for another reason than no xattr or no right to it).
func (f *FS) infoRead(key string, fd int, name string, st *unix.Stat_t) (in Info, rawLen int) {
	if !f.r.kernel && !allowed(f.id, st, unix.R_OK) {
		return infoOf(key, st, nil), 0
	}
	if f.r.md != nil {
		return infoOf(key, st, f.r.md.load(st.Dev, st.Ino)), -1
	}
	buf := metaBufs.Get().(*[]byte)
	defer metaBufs.Put(buf)
	n, grown, err := getMeta(fd, name, *buf)
	*buf = grown
	switch {
	case err == unix.ENODATA || err == unix.EACCES || err == unix.EPERM || err == unix.ENOTSUP:
		return infoOf(key, st, nil), 0
	case err != nil:
		return infoOf(key, st, nil), -1
	}
	return infoOf(key, st, grown[:n]), n // decoding copies what it keeps
}

// metaBufs recycles getxattr buffers: listings read one per file.
var metaBufs = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// putMeta writes m for the inode reached by following path (a procPath
// of an open fd). With xattrs the kernel checks the identity may write
// the file; MetaDir callers check that themselves first.
func (f *FS) putMeta(path string, dev, ino uint64, m *Meta) error {
	b := encodeMeta(m)
	if f.r.md != nil {
		return f.r.md.store(dev, ino, b)
	}
	return xattrErr(path, unix.Setxattr(path, metaXattr, b, 0))
}

// putMetaFd is putMeta on an fd open for writing (not O_PATH): fsetxattr
// spares the /proc path walk a PUT would otherwise pay.
func (f *FS) putMetaFd(fd int, dev, ino uint64, m *Meta) error {
	b := encodeMeta(m)
	if f.r.md != nil {
		return f.r.md.store(dev, ino, b)
	}
	if err := unix.Fsetxattr(fd, metaXattr, b, 0); err != nil {
		return xattrErr(procPath(fd, ""), err)
	}
	return nil
}
