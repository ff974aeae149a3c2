package volume

import (
	"context"

	"golang.org/x/sys/unix"

	"github.com/fsxd/fsxd/internal/dirsync"
	"github.com/fsxd/fsxd/internal/reap"
)

// Cond is what a conditional Commit checks as it puts the file in place.
type Cond struct {
	// Check is called under the key's lock with what is there now (nil
	// when nothing is); its error stops the Commit. Unless Exists is set,
	// the file there is also flocked from before the check until it is
	// replaced (lockEntry), so a check and replace on another node sharing
	// the file system cannot interleave with this one.
	Check func(existing *Info) error
	// Exists, when set, makes the link itself refuse a name that is taken
	// (linkat, which never replaces), so "only if absent" holds against
	// every writer of the file system, other nodes' included; Commit then
	// returns Exists. A dangling symlink at the name is replaced as usual.
	Exists error
}

// Commit makes the file visible at its key, replacing any file there:
// it records meta (Stamp filled in, DirMarker and Implicit cleared),
// fsyncs the file unless Options.NoFsync, then, under the key's lock,
// checks cond (nil: none) and, unless it refuses, links the file into
// place atomically and fsyncs the directories whose entries changed.
// cond's errors are returned as they are. Commit ends the Writer whether
// it succeeds or not.
func (w *Writer) Commit(meta Meta, cond *Cond) (Info, error) {
	if w.done {
		return Info{}, errDone
	}
	in, err := w.commit(meta, cond)
	if err != nil {
		w.Abort()
		return Info{}, wrap("commit", w.p.String(), err)
	}
	w.done = true
	w.f.Close()
	w.closeFds()
	return in, nil
}

func (w *Writer) commit(meta Meta, cond *Cond) (Info, error) {
	f, ctx := w.fs, context.Background()
	var st unix.Stat_t
	if err := unix.Fstat(int(w.f.Fd()), &st); err != nil {
		return Info{}, err
	}
	m := meta
	m.DirMarker, m.Implicit, m.Stamp = false, false, stampOf(&st)
	in := infoOf(w.p.String(), &st, nil)
	in.Meta = &m
	// The temp file is the identity's own and nameless: writing its Meta
	// needs no identity check, so it is done here, saving a credential switch.
	if err := f.putMetaFd(int(w.f.Fd()), st.Dev, st.Ino, &m); err != nil {
		return Info{}, err
	}
	if !f.r.opts.NoFsync {
		if err := syncFile(w.f); err != nil {
			return Info{}, err
		}
	}
	if err := w.replace(ctx, cond); err != nil {
		return Info{}, err
	}
	return in, w.syncDirs()
}

// replace checks cond and installs the file under the key's lock.
func (w *Writer) replace(ctx context.Context, cond *Cond) error {
	unlock := w.fs.r.locks.Lock(w.p.rel)
	defer unlock()
	var ifTaken error
	if cond != nil {
		if cond.Check != nil && cond.Exists == nil {
			// A check of what is there (If-Match) holds across nodes
			// too: the file stays locked until it is replaced.
			release, err := w.fs.lockEntry(ctx, w.p)
			if err != nil {
				return err
			}
			defer release()
		}
		if cond.Check != nil {
			ex, err := w.existing(ctx)
			if err != nil {
				return err
			}
			if err := cond.Check(ex); err != nil {
				return err
			}
		}
		ifTaken = cond.Exists
	}
	return w.fs.do(ctx, func() error { return w.install(ifTaken) })
}

// existing describes what a reader of the key sees now, nil for nothing
// (or a symlink that leads nowhere we serve: it will just be replaced).
func (w *Writer) existing(ctx context.Context) (*Info, error) {
	f := w.fs
	var ex *Info
	err := f.do(ctx, func() error {
		fd, err := f.r.openPath(w.p.rel, 0)
		switch err {
		case nil:
		case unix.ENOENT, unix.ELOOP, unix.EXDEV:
			return nil
		default:
			return err
		}
		defer unix.Close(fd)
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err != nil {
			return err
		}
		if st.Mode&unix.S_IFMT == unix.S_IFDIR {
			return unix.EISDIR
		}
		in := f.info(w.p.String(), fd, "", &st)
		ex = &in
		return nil
	})
	return ex, err
}

// install names the file, as the identity. The directory is held, so no
// prune of this process removes it; if another node did, the
// directories are made again.
func (w *Writer) install(ifTaken error) error {
	for attempt := 0; ; attempt++ {
		err := w.link(w.p.Base(), ifTaken)
		if err != unix.ENOENT || w.tmpName != "" || attempt == 3 {
			return err
		}
		dirfd, made, release, err := w.fs.makeParents(w.p.parentComps())
		if err != nil {
			return err
		}
		w.release()
		unix.Close(w.dirfd)
		w.dirfd, w.made, w.release = dirfd, append(w.made, made...), release
	}
}

// link gives the file its name, replacing what is there unless ifTaken is
// set: then a taken name (but for a dangling symlink) is ifTaken.
func (w *Writer) link(name string, ifTaken error) error {
	var st unix.Stat_t
	exists, err := w.fs.replaceCheck(w.dirfd, name, &st)
	if err != nil {
		return err
	}
	if ifTaken != nil && (!exists || st.Mode&unix.S_IFMT != unix.S_IFLNK) {
		if exists {
			return ifTaken
		}
		return w.linkNew(name, ifTaken)
	}
	// A large file replaced is freed after the reply, at the pin's close.
	pin := -1
	if exists {
		pin = reap.Pin(w.dirfd, name, st.Mode&unix.S_IFMT == unix.S_IFREG, st.Size)
	}
	defer reap.Put(pin)
	if w.tmpName != "" {
		if err := unix.Renameat(w.dirfd, w.tmpName, w.dirfd, name); err != nil {
			return err
		}
		if w.adopted {
			// A rename onto the same inode (a Complete retried after a
			// crash adopts the object again) does nothing, name included.
			unix.Unlinkat(w.dirfd, w.tmpName, 0)
		}
		w.tmpName = ""
		return nil
	}
	if !exists { // else linkat fails with EEXIST: go straight to the rename
		err = w.linkSelf(name)
		if err != unix.EEXIST {
			return err
		}
	}
	// linkat cannot replace; link under a hidden name, then rename over.
	// Should the old file go before the rename, the rename still names it.
	tmp := tempPrefix + randHex()
	if err := w.linkSelf(tmp); err != nil {
		return err
	}
	if err := unix.Renameat(w.dirfd, tmp, w.dirfd, name); err != nil {
		unix.Unlinkat(w.dirfd, tmp, 0)
		return err
	}
	return nil
}

// linkNew names the file only if name is free, atomically on the file
// system: linkat never replaces. A hidden temp name is unlinked after.
func (w *Writer) linkNew(name string, ifTaken error) error {
	var err error
	if w.tmpName == "" {
		err = w.linkSelf(name)
	} else if err = unix.Linkat(w.dirfd, w.tmpName, w.dirfd, name, 0); err == nil {
		unix.Unlinkat(w.dirfd, w.tmpName, 0)
		w.tmpName = ""
	}
	if err == unix.EEXIST {
		return ifTaken
	}
	return err
}

// linkSelf gives the temp file the name in its directory. A thread
// holding CAP_DAC_READ_SEARCH links the fd itself (AT_EMPTY_PATH); others
// go through /proc/self/fd, whose path walk costs 3–12 µs more per PUT.
func (w *Writer) linkSelf(name string) error {
	fd := int(w.f.Fd())
	if w.fs.flinks() {
		err := unix.Linkat(fd, "", w.dirfd, name, unix.AT_EMPTY_PATH)
		if err == nil || err == unix.EEXIST {
			return err
		}
		// Else (ENOENT also says "no capability"; a security module may
		// refuse this form alone) the /proc form gives the answer.
	}
	return unix.Linkat(unix.AT_FDCWD, procPath(fd, ""), w.dirfd, name, unix.AT_SYMLINK_FOLLOW)
}

// flinks reports whether the threads that install this identity's files
// hold CAP_DAC_READ_SEARCH, which linkat(AT_EMPTY_PATH) needs: the
// server's threads (UserSpace mode) and root's (Kernel mode: caps.go).
// serverCaps was read by runAs before any switch, on a server thread.
func (f *FS) flinks() bool {
	const capDacReadSearch = 2
	return (!f.r.kernel || f.id.UID == 0) && serverCaps().effective()&(1<<capDacReadSearch) != 0
}

// syncDirs makes the new entries durable: the file's directory and the
// parent of each directory Create made.
func (w *Writer) syncDirs() error {
	if w.fs.r.opts.NoFsync {
		return nil
	}
	for _, fd := range append(w.made, w.dirfd) {
		if err := syncDir(fd); err != nil {
			return err
		}
	}
	return nil
}

// syncDir fsyncs the directory behind an O_PATH fd (which cannot be
// fsynced itself) by opening "." of it with the server's credentials:
// fsync is not a permission, and the identity may lack read on the dir.
// Concurrent callers for one directory share fsyncs (internal/dirsync).
func syncDir(fd int) error {
	return dirsync.Group(fd, func() error { return syncDirNow(fd) })
}

func syncDirNow(fd int) error {
	dfd, err := unix.Openat(fd, ".", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil // e.g. an unprivileged server without read there
	}
	defer unix.Close(dfd)
	return fsync(dfd)
}
