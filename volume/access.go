package volume

// Permission checks. In Kernel mode the kernel checks every operation
// itself; the few checks made here ahead of time ("may this identity
// replace that file?") ask it through faccessat2(AT_EACCESS), which uses the
// thread's fsuid, fsgid, groups and ACLs. In UserSpace mode the same
// questions are answered in Go from mode bits, and the operations then
// run with the server's credentials.

import (
	"strings"

	"github.com/fsxd/fsxd"
	"golang.org/x/sys/unix"
)

// allowed applies the POSIX mode-bit rule: the owner class if the
// identity owns the file, else the group class if it is in the file's
// group, else other. uid 0 may do anything.
func allowed(id fsxd.PosixIdentity, st *unix.Stat_t, want uint32) bool {
	if id.IsRoot() {
		return true
	}
	var bits uint32
	switch {
	case id.UID == st.Uid:
		bits = st.Mode >> 6
	case id.InGroup(st.Gid):
		bits = st.Mode >> 3
	default:
		bits = st.Mode
	}
	return bits&want == want
}

// access checks want (unix.R_OK, W_OK, X_OK) on name in dirfd, or on dirfd
// itself when name is "". It never follows a final symlink.
func (f *FS) access(dirfd int, name string, want uint32) error {
	flags := unix.AT_SYMLINK_NOFOLLOW
	if name == "" {
		flags = unix.AT_EMPTY_PATH
	}
	if f.r.kernel {
		return unix.Faccessat2(dirfd, name, want, flags|unix.AT_EACCESS)
	}
	var st unix.Stat_t
	if err := unix.Fstatat(dirfd, name, &st, flags); err != nil {
		return err
	}
	if !allowed(f.id, &st, want) {
		return unix.EACCES
	}
	return nil
}

// userCheck is access in UserSpace mode and nothing in Kernel mode, for
// checks the kernel makes anyway when the operation itself runs.
func (f *FS) userCheck(dirfd int, name string, want uint32) error {
	if f.r.kernel {
		return nil
	}
	return f.access(dirfd, name, want)
}

// userSearch checks, in UserSpace mode, search permission on the root
// and on every directory the key names above its last segment (resolved
// as the kernel would). Directories traversed only inside a symlink's
// target are not checked. A missing directory ends the check: the
// operation itself then fails or creates it.
func (f *FS) userSearch(p Path) error {
	if f.r.kernel || f.id.IsRoot() {
		return nil
	}
	comps := p.parentComps()
	for i := 0; i <= len(comps); i++ {
		rel := strings.Join(comps[:i], "/")
		if rel == "" {
			rel = "."
		}
		fd, err := f.r.openPath(rel, unix.O_DIRECTORY)
		if err != nil {
			return nil
		}
		err = f.access(fd, "", unix.X_OK)
		unix.Close(fd)
		if err != nil {
			return err
		}
	}
	return nil
}

// sticky applies the restricted-deletion rule of a sticky directory:
// only the owner of the file or of the directory (or root) may remove or
// replace the entry.
func (f *FS) sticky(dirfd int, target *unix.Stat_t) error {
	if f.id.IsRoot() || f.id.UID == target.Uid {
		return nil // allowed whatever the directory: no fstat (one per PUT)
	}
	var dir unix.Stat_t
	if err := unix.Fstat(dirfd, &dir); err != nil {
		return err
	}
	if dir.Mode&unix.S_ISVTX == 0 || f.id.UID == dir.Uid {
		return nil
	}
	return unix.EPERM
}

// mayReplace checks, before any data is written, that the identity may
// put a new file at name: nothing there, or a non-directory it may write
// (the old file is replaced, as if rewritten) and, in a sticky directory,
// one it owns. A symlink there is replaced, not written through.
func (f *FS) mayReplace(dirfd int, name string) error {
	var st unix.Stat_t
	_, err := f.replaceCheck(dirfd, name, &st)
	return err
}

// replaceCheck is mayReplace, also reporting whether something was at
// name, and its stat in st: Commit then skips a linkat that would fail
// with EEXIST, and pins a large file it replaces (reap).
func (f *FS) replaceCheck(dirfd int, name string, st *unix.Stat_t) (exists bool, err error) {
	if err := f.userCheck(dirfd, "", unix.W_OK|unix.X_OK); err != nil {
		return false, err
	}
	err = unix.Fstatat(dirfd, name, st, unix.AT_SYMLINK_NOFOLLOW)
	if err == unix.ENOENT {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFDIR:
		return true, unix.EISDIR
	case unix.S_IFREG:
		if err := f.access(dirfd, name, unix.W_OK); err != nil {
			return true, err
		}
	}
	return true, f.sticky(dirfd, st)
}

// mayRemove checks, in UserSpace mode, write and search on the parent
// and the sticky rule; in Kernel mode unlink checks both itself.
func (f *FS) mayRemove(dirfd int, st *unix.Stat_t) error {
	if f.r.kernel {
		return nil
	}
	if err := f.access(dirfd, "", unix.W_OK|unix.X_OK); err != nil {
		return err
	}
	return f.sticky(dirfd, st)
}

// mayReplaceDir checks that the identity may make a directory object at
// name: nothing there (write on the parent is checked by the caller or by
// mkdir), or a directory whose Meta it may write.
func (f *FS) mayReplaceDir(dirfd int, name string) error {
	var st unix.Stat_t
	err := unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW)
	switch {
	case err == unix.ENOENT:
		return nil
	case err != nil:
		return err
	case st.Mode&unix.S_IFMT == unix.S_IFDIR:
		return f.access(dirfd, name, unix.W_OK)
	case st.Mode&unix.S_IFMT == unix.S_IFLNK:
		return nil // resolved (beneath the root) when the directory is made
	}
	return unix.ENOTDIR
}
