package volume

// Confinement. Every name is resolved by the kernel with openat2 and
// RESOLVE_BENEATH relative to the root's fd: ".." above the root, absolute
// symlinks and symlinks that climb out fail with EXDEV (ErrEscape), and
// /proc magic links are refused. Symlinks that stay inside the volume are
// followed, like on the NFS mount. Operations on a final name (unlink,
// rename, mkdir, stat without follow) take an fd of the parent resolved this
// way plus a single component, which those calls never follow.

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

const beneath = unix.RESOLVE_BENEATH | unix.RESOLVE_NO_MAGICLINKS

// openBeneath opens rel (a key path, or "." for the root) beneath dirfd.
func openBeneath(dirfd int, rel string, flags int, mode uint32, resolve uint64) (int, error) {
	how := unix.OpenHow{Flags: uint64(flags | unix.O_CLOEXEC), Mode: uint64(mode), Resolve: resolve}
	for range 16 {
		fd, err := unix.Openat2(dirfd, rel, &how)
		// EAGAIN: a concurrent rename raced a ".." step; the kernel asks us to retry.
		if err != unix.EAGAIN && err != unix.EINTR {
			return fd, err
		}
	}
	return -1, unix.EAGAIN
}

// openPath opens rel beneath the root as an O_PATH fd, following
// symlinks that stay inside.
func (r *Root) openPath(rel string, extra int) (int, error) {
	return openBeneath(r.fd, rel, unix.O_PATH|extra, 0, beneath)
}

// openChild opens one entry of an open directory, refusing any symlink.
func openChild(dirfd int, name string, flags int) (int, error) {
	return openBeneath(dirfd, name, flags|unix.O_NOFOLLOW, 0, beneath|unix.RESOLVE_NO_SYMLINKS)
}

// procPath names an open fd (and optionally an entry of it, when fd is a
// directory) through /proc, so path-only calls (getxattr, linkat) reach
// exactly that inode. The final name is not followed by lgetxattr.
func procPath(fd int, name string) string {
	p := "/proc/self/fd/" + strconv.Itoa(fd)
	if name != "" {
		p += "/" + name
	}
	return p
}

// makeParents is mkdir -p for the directories above a key, as the
// current credentials, marking each one it makes Implicit. It returns an
// O_PATH fd of the deepest directory, held busy until release is called
// (so no prune of this process removes it: see busyDirs), and, for each
// directory it made, an fd of that directory's parent, whose new entry
// must reach the disk. Each directory of the walk is held before the
// next one is made in it. A directory pruned before it could be held
// (or removed by another node) makes the walk start over.
func (f *FS) makeParents(comps []string) (dirfd int, made []int, release func(), err error) {
	rel := strings.Join(comps, "/")
	if rel == "" {
		rel = "."
	}
	for range 8 {
		if dirfd, err = f.r.openPath(rel, unix.O_DIRECTORY); err == nil {
			if release, err = f.hold(dirfd); err == nil {
				return dirfd, nil, release, nil
			}
		}
		if err != unix.ENOENT {
			return -1, nil, nil, err
		}
		if dirfd, made, release, err = f.mkdirAll(comps); err != unix.ENOENT {
			break
		}
	}
	return dirfd, made, release, err
}

// hold marks the directory fd busy, or closes it and says ENOENT when it
// is already gone.
func (f *FS) hold(fd int) (release func(), err error) {
	release, ok := f.r.busy.hold(fd)
	if !ok {
		unix.Close(fd)
		return nil, unix.ENOENT
	}
	return release, nil
}

func (f *FS) mkdirAll(comps []string) (int, []int, func(), error) {
	cur, err := f.r.openPath(".", unix.O_DIRECTORY)
	if err != nil {
		return -1, nil, nil, err
	}
	var made []int
	release := func() {} // the root is never pruned
	for i := range comps {
		next, mk, held, err := f.step(cur, strings.Join(comps[:i+1], "/"), comps[i])
		release() // cur may go once next, in it, is held
		if mk {
			made = append(made, cur)
		} else {
			unix.Close(cur)
		}
		if err != nil {
			closeAll(made)
			return -1, nil, nil, err
		}
		cur, release = next, held
	}
	return cur, made, release, nil
}

// step resolves one more component beneath the root, making it in parent
// if it does not exist, and holds it (busyDirs). A directory it makes is
// held from its mkdir on: a delete of its key on this node cannot remove
// it before the write below it has linked its entry.
func (f *FS) step(parent int, rel, name string) (fd int, made bool, release func(), err error) {
	fd, err = f.r.openPath(rel, unix.O_DIRECTORY)
	if err == nil {
		release, err = f.hold(fd)
		return fd, false, release, err
	}
	if err != unix.ENOENT {
		return -1, false, nil, err
	}
	if err := f.r.guard(rel); err != nil {
		return -1, false, nil, err // a nested volume's root is missing: never re-create it
	}
	if err := f.userCheck(parent, "", unix.W_OK|unix.X_OK); err != nil {
		return -1, false, nil, err
	}
	fd, release, err = f.r.busy.makeHeld(func() (int, error) {
		if err := unix.Mkdirat(parent, name, f.r.dirMode()); err != nil {
			return -1, err
		}
		made = true
		return openChild(parent, name, unix.O_PATH|unix.O_DIRECTORY)
	})
	if err == unix.EEXIST { // lost a race: use theirs
		if fd, err = f.r.openPath(rel, unix.O_DIRECTORY); err == nil {
			release, err = f.hold(fd)
		}
		return fd, false, release, err
	}
	if err != nil {
		return -1, made, nil, err
	}
	if err = f.initDir(fd, &Meta{Implicit: true}, true); err != nil {
		release()
		unix.Close(fd)
		return -1, true, nil, err
	}
	return fd, true, release, nil
}

// initDir gives a directory just made (fixMode) the exact mode (the process umask,
// or a default ACL, may differ from ours) and writes its Meta. Both go
// through the fd's /proc link, so a name swapped meanwhile cannot
// redirect them.
func (f *FS) initDir(fd int, m *Meta, fixMode bool) error {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return err
	}
	if fixMode && st.Mode&0o777 != f.r.dirMode() {
		// Keep a setgid bit inherited from the parent: it is how shared
		// directories keep their group.
		if err := unix.Chmod(procPath(fd, ""), f.r.dirMode()|st.Mode&unix.S_ISGID); err != nil {
			return err
		}
	}
	m.Stamp = Stamp{Ino: st.Ino}
	return f.putMeta(procPath(fd, ""), st.Dev, st.Ino, m)
}

func closeAll(fds []int) {
	for _, fd := range fds {
		unix.Close(fd)
	}
}

func randHex() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
