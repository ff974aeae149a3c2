package volume

// Directories. S3 has no directories, only keys; the volume does. fsxd
// reconciles them with two marks in a directory's Meta:
//
//   - DirMarker: the directory is an object ("dir/" was PUT). It is listed
//     as "dir/" and never removed implicitly.
//   - Implicit: fsxd made the directory only because a deeper key needed it.
//
// The pruning rule: after Remove deletes a key (and when a Create or an
// upload fails after making directories), each ancestor directory,
// deepest first, is removed while it is empty, marked Implicit, not
// marked DirMarker, not the volume root, and the identity may remove it.
// The first ancestor failing any test ends the climb. So directories made
// beside S3, or PUT as "dir/", stay; those S3 made on its own go away
// with their last key, as they would in a bucket.

import (
	"context"

	"golang.org/x/sys/unix"

	"github.com/fsxd/fsxd/internal/dirsync"
)

// Mkdir makes the directory object p ("dir/"): the directory and any
// missing parents, as the identity; p is marked DirMarker with meta's
// other fields. On an existing directory it only rewrites the Meta, which
// needs write permission on it.
func (f *FS) Mkdir(ctx context.Context, p Path, meta Meta) (Info, error) {
	if err := p.check(); err != nil {
		return Info{}, err
	}
	if !p.dir {
		return Info{}, wrap("mkdir", p.String(), unix.ENOTDIR)
	}
	if err := f.r.guard(p.rel); err != nil {
		return Info{}, wrap("mkdir", p.String(), err)
	}
	unlock := f.r.locks.Lock(p.rel)
	defer unlock()
	var in Info
	var syncs []int
	err := f.do(ctx, func() error {
		var err error
		in, syncs, err = f.mkdir(p, meta)
		return err
	})
	defer closeAll(syncs)
	if err == nil && !f.r.opts.NoFsync {
		for _, fd := range syncs {
			if err = syncDir(fd); err != nil {
				break
			}
		}
	}
	return in, wrap("mkdir", p.String(), err)
}

// mkdir runs as the identity; it returns the fds of directories whose
// entries changed.
func (f *FS) mkdir(p Path, meta Meta) (Info, []int, error) {
	if err := f.userSearch(p); err != nil {
		return Info{}, nil, err
	}
	dirfd, made, release, err := f.makeParents(p.parentComps())
	if err != nil {
		return Info{}, nil, err
	}
	defer release()
	syncs := append(made, dirfd)
	if err := f.mayReplaceDir(dirfd, p.Base()); err != nil {
		return Info{}, syncs, err
	}
	fd, created, held, err := f.makeHeld(dirfd, p)
	if err != nil {
		return Info{}, syncs, err
	}
	defer unix.Close(fd)
	defer held()
	m := meta
	m.DirMarker, m.Implicit = true, false
	if err := f.initDir(fd, &m, created); err != nil {
		return Info{}, syncs, err
	}
	var st unix.Stat_t
	err = unix.Fstat(fd, &st)
	in := infoOf(p.String(), &st, nil)
	in.Meta = &m
	return in, syncs, err
}

// makeHeld makes (or finds) the directory p in its parent dirfd and
// holds it busy until release: an Implicit directory found here may be
// pruned by a concurrent Remove until its Meta says DirMarker.
func (f *FS) makeHeld(dirfd int, p Path) (fd int, created bool, release func(), err error) {
	for range 4 {
		err = unix.Mkdirat(dirfd, p.Base(), f.r.dirMode())
		if err != nil && err != unix.EEXIST {
			return -1, false, nil, err
		}
		created = err == nil
		if fd, err = f.r.openPath(p.rel, unix.O_DIRECTORY); err == nil {
			if release, err = f.hold(fd); err == nil {
				return fd, created, release, nil
			}
		}
		if err != unix.ENOENT {
			return -1, false, nil, err
		}
	}
	return -1, false, nil, err
}

// Remove deletes the key p. An object key unlinks the file (or the
// symlink named by the key: never what it points to); a directory key
// removes the directory only if it is empty (ErrNotEmpty otherwise).
// Removal needs write and search on the parent, and in a sticky
// directory ownership of the file or the directory. A missing key is
// ErrNotExist. Unless Options.NoFsync, the parent directory is fsynced
// before Remove returns, so an acknowledged delete survives power loss.
// Empty implicit parents are then pruned (see above).
func (f *FS) Remove(ctx context.Context, p Path) error { return f.RemoveIf(ctx, p, nil) }

// RemoveIf is Remove that first runs cond, under the key's lock, on the
// entry p names now; cond's error stops the remove and is returned as it
// is. A regular file is also flocked from before cond until it is unlinked
// (lockEntry), so a conditional change on another node sharing the file
// system cannot interleave. A key with no entry is ErrNotExist, as for
// Remove, without cond.
func (f *FS) RemoveIf(ctx context.Context, p Path, cond func(existing *Info) error) error {
	if err := p.check(); err != nil {
		return err
	}
	if err := f.r.guard(p.rel); err != nil {
		return wrap("remove", p.String(), err)
	}
	unlockKey := f.r.locks.Lock(p.rel)
	releaseEntry := func() {}
	if cond != nil { // the check and the unlink hold against other nodes too
		var err error
		if releaseEntry, err = f.lockEntry(ctx, p); err != nil {
			unlockKey()
			return wrap("remove", p.String(), err)
		}
	}
	locked := true
	unlock := func() { // before the fsync: other writers of p need not wait
		if locked {
			locked = false
			releaseEntry()
			unlockKey()
		}
	}
	var st unix.Stat_t
	dirfd, pin := -1, -1
	readable, settled := false, false
	err := f.do(ctx, func() error {
		if err := f.userSearch(p); err != nil {
			return err
		}
		var err error
		if dirfd, readable, err = f.openParent(p); err != nil {
			return err
		}
		pin = f.pin(dirfd, p.Base())
		if err = f.unlink(dirfd, p, &st, cond); err != nil || !readable {
			return err
		}
		// Settle under the same credential switch: fsync needs no
		// permission, and pruning runs as the identity anyway.
		settled = true
		unlock()
		if !f.r.opts.NoFsync {
			if err := dirsync.Group(dirfd, func() error { return fsync(dirfd) }); err != nil {
				return err
			}
		}
		// A small directory that still holds an entry is not pruned:
		// one getdents spares pruneOne's lookups, Meta read and failing
		// rmdir. In a large one ext4 hashes a whole leaf block of
		// entries for that getdents, which costs more than the failing
		// rmdir, so pruneFrom finds out. A concurrent Remove of the
		// entry reads the directory after its own unlink, so the last
		// one to leave still prunes.
		if !smallDir(dirfd) || !hasEntry(dirfd) {
			f.pruneFrom(p)
		}
		return nil
	})
	unlock()
	if dirfd >= 0 {
		if err == nil && !settled && !f.r.opts.NoFsync {
			err = syncDir(dirfd)
		}
		unix.Close(dirfd)
	}
	if err != nil {
		if pin >= 0 {
			unix.Close(pin)
		}
		return wrap("remove", p.String(), err)
	}
	if f.r.md != nil && (st.Nlink <= 1 || p.dir) {
		f.r.md.drop(st.Dev, st.Ino)
	}
	if pin >= 0 {
		unix.Close(pin)
	}
	if !settled {
		f.prune(context.WithoutCancel(ctx), p)
	}
	return nil
}

// openParent opens the directory p is removed from, beneath the root:
// for reading when that is allowed, so it can be fsynced as is (an O_PATH
// fd cannot be), else (write and search only, as in a drop box) as
// O_PATH, for syncDir to reopen with the server's credentials.
func (f *FS) openParent(p Path) (fd int, readable bool, err error) {
	fd, err = openBeneath(f.r.fd, p.dirRel(), unix.O_RDONLY|unix.O_DIRECTORY, 0, beneath)
	if err == unix.EACCES {
		fd, err = f.r.openPath(p.dirRel(), unix.O_DIRECTORY)
		return fd, false, err
	}
	return fd, err == nil, err
}

func (f *FS) unlink(dirfd int, p Path, st *unix.Stat_t, cond func(*Info) error) error {
	name := p.Base()
	if err := unix.Fstatat(dirfd, name, st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return err
	}
	if cond != nil {
		in := f.info(p.String(), dirfd, name, st)
		if err := cond(&in); err != nil {
			return err
		}
	}
	isDir := st.Mode&unix.S_IFMT == unix.S_IFDIR
	if p.dir != isDir {
		if p.dir {
			return f.notDir(p, st)
		}
		return unix.EISDIR
	}
	if isDir {
		if err := f.r.guardInode(st); err != nil {
			return err
		}
	}
	if err := f.mayRemove(dirfd, st); err != nil {
		return err
	}
	if p.dir {
		return f.rmdirIdle(dirfd, name, st)
	}
	return unix.Unlinkat(dirfd, name, 0)
}

// rmdirIdle removes a directory unless a write of this node is about to
// link an entry into it (busyDirs), which is then as good as not empty:
// the delete is ordered after that write, and a PUT below a directory
// key being deleted never finds its parent gone.
func (f *FS) rmdirIdle(dirfd int, name string, st *unix.Stat_t) error {
	var err error
	if !f.r.busy.removeIdle(st, func() bool {
		err = unix.Unlinkat(dirfd, name, unix.AT_REMOVEDIR)
		return err == nil
	}) && err == nil {
		return unix.ENOTEMPTY
	}
	return err
}

// notDir is why a directory key cannot be removed as one: it names a
// file, or a symlink to a directory inside the volume (through which the
// key resolves, so the delete must not pretend it is gone).
func (f *FS) notDir(p Path, st *unix.Stat_t) error {
	if st.Mode&unix.S_IFMT != unix.S_IFLNK {
		return unix.ENOTDIR
	}
	fd, err := f.r.openPath(p.rel, unix.O_DIRECTORY)
	if err != nil {
		return unix.ENOTDIR
	}
	unix.Close(fd)
	return ErrLinkedDir
}

// prune removes p's empty Implicit ancestors by the rule above. It is
// best effort: whatever stops it leaves the directory in place.
func (f *FS) prune(ctx context.Context, p Path) {
	if _, ok := p.Parent(); !ok {
		return // the root is never pruned
	}
	f.do(ctx, func() error {
		f.pruneFrom(p)
		return nil
	})
}

// pruneFrom is prune's climb; it runs as the identity (inside do).
func (f *FS) pruneFrom(p Path) {
	q, ok := p.Parent()
	for ok && f.pruneOne(q) {
		q, ok = q.Parent()
	}
}

func (f *FS) pruneOne(q Path) bool {
	dirfd, err := f.r.openPath(q.dirRel(), unix.O_DIRECTORY)
	if err != nil {
		return false
	}
	defer unix.Close(dirfd)
	var st unix.Stat_t
	name := q.Base()
	if unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW) != nil || st.Mode&unix.S_IFMT != unix.S_IFDIR {
		return false
	}
	if f.r.guard(q.rel) != nil || f.r.guardInode(&st) != nil {
		return false // a nested volume's root, or on the path to one
	}
	in := f.info("", dirfd, name, &st)
	if in.Meta == nil || !in.Meta.Implicit || in.Meta.DirMarker || f.mayRemove(dirfd, &st) != nil {
		return false
	}
	pin := -1
	removed := f.r.busy.removeIdle(&st, func() bool {
		// The name may have been pruned and made again since the Fstatat:
		// remove only the directory that was checked.
		var now unix.Stat_t
		pin = f.pin(dirfd, name)
		if unix.Fstatat(dirfd, name, &now, unix.AT_SYMLINK_NOFOLLOW) != nil || now.Dev != st.Dev || now.Ino != st.Ino {
			return false
		}
		// A Mkdir may have marked it since the check above: it marks while
		// holding the directory, so what it wrote is seen here.
		if in := f.info("", dirfd, name, &now); in.Meta == nil || !in.Meta.Implicit || in.Meta.DirMarker {
			return false
		}
		return unix.Unlinkat(dirfd, name, unix.AT_REMOVEDIR) == nil
	})
	if removed && f.r.md != nil {
		f.r.md.drop(st.Dev, st.Ino)
	}
	if pin >= 0 {
		unix.Close(pin)
	}
	return removed
}

// pin opens entry name of dirfd when Meta lives in MetaDir, and returns
// the fd (else -1): the caller unlinks the entry, drops its MetaDir entry,
// then closes the fd. An inode held open keeps its number, so the drop
// cannot delete the Meta of a new file that reused the number meanwhile.
func (f *FS) pin(dirfd int, name string) int {
	if f.r.md == nil {
		return -1
	}
	fd, err := openChild(dirfd, name, unix.O_PATH)
	if err != nil {
		return -1
	}
	return fd
}
