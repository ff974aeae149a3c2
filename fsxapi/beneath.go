package fsxapi

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Volume, SVM and file-system directories below DataDir/fs are made,
// moved and removed as root, while their parents are volumes that NFS
// clients and host users write to: an ONTAP junction path runs through
// other volumes, and anyone who can write there can turn a directory on
// the way into a symlink. So every step below the data dir's fs root is
// taken with openat2(RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS) from that root:
// a symlink anywhere on the path fails the operation instead of sending
// it elsewhere on the host.

const noSymlinks = unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS

// errSymlink reports a path that runs through a symlink or a non-directory.
type errSymlink struct{ path string }

func (e *errSymlink) Error() string {
	return fmt.Sprintf("%s: a component is a symlink or not a directory; fsxd does not follow it", e.path)
}

// openDirBeneath opens directory rel of dirfd as O_PATH, refusing
// symlinks and "..".
func openDirBeneath(dirfd int, rel string) (int, error) {
	how := unix.OpenHow{Flags: unix.O_PATH | unix.O_DIRECTORY | unix.O_CLOEXEC, Resolve: noSymlinks}
	for range 16 {
		fd, err := unix.Openat2(dirfd, rel, &how)
		if err != unix.EAGAIN && err != unix.EINTR {
			return fd, err
		}
	}
	return -1, unix.EAGAIN
}

// confined splits dir into the fs root and the path below it; ok is
// false for a directory outside the root (an imported tree, placed by
// the operator, which fsxd neither makes nor moves nor removes).
func confined(root, dir string) (rel string, ok bool) {
	rel, err := filepath.Rel(root, dir)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", false
	}
	return rel, true
}

// openParent opens the directory that holds rel (below root), making
// missing directories on the way when mk is set; it returns the fd and
// rel's last name.
func openParent(root, rel string, mk bool) (fd int, name string, err error) {
	if mk { // the root itself is the operator's (under --data-dir)
		if err := os.MkdirAll(root, 0o755); err != nil {
			return -1, "", err
		}
	}
	fd, err = unix.Open(root, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, "", err
	}
	parts := strings.Split(rel, string(filepath.Separator))
	for _, p := range parts[:len(parts)-1] {
		if mk {
			if err := unix.Mkdirat(fd, p, 0o755); err != nil && err != unix.EEXIST {
				unix.Close(fd)
				return -1, "", err
			}
		}
		next, err := openDirBeneath(fd, p)
		unix.Close(fd)
		if err != nil {
			return -1, "", beneathErr(filepath.Join(root, rel), err)
		}
		fd = next
	}
	return fd, parts[len(parts)-1], nil
}

// beneathErr turns openat2's refusals of a symlink into errSymlink.
func beneathErr(path string, err error) error {
	if errors.Is(err, unix.ELOOP) || errors.Is(err, unix.EXDEV) || errors.Is(err, unix.ENOTDIR) {
		return &errSymlink{path}
	}
	return err
}

// procFD names an open fd through /proc, for calls that take a path.
func procFD(fd int) string { return "/proc/self/fd/" + strconv.Itoa(fd) }

// makeDirBeneath is makeDir for a directory below root.
func makeDirBeneath(root, rel string, mode fs.FileMode) error {
	dir := filepath.Join(root, rel)
	pfd, name, err := openParent(root, rel, true)
	if err != nil {
		return err
	}
	defer unix.Close(pfd)
	made := true
	if err := unix.Mkdirat(pfd, name, 0o755); err == unix.EEXIST {
		made = false
	} else if err != nil {
		return err
	}
	fd, err := unix.Openat2(pfd, name, &unix.OpenHow{Flags: unix.O_RDONLY | unix.O_DIRECTORY | unix.O_CLOEXEC, Resolve: noSymlinks})
	if err != nil {
		if !made && (errors.Is(err, unix.ENOTDIR) || errors.Is(err, unix.ELOOP)) {
			return fmt.Errorf("%s exists and is not a directory", dir)
		}
		return beneathErr(dir, err)
	}
	defer unix.Close(fd)
	if !made {
		return nil // kept as it is: made by a previous pass
	}
	return unix.Fchmod(fd, uint32(mode.Perm())) // Mkdirat's mode is filtered by the umask
}

// removeBeneath removes the tree at rel below root. A symlink on the way
// is an error; one at rel itself, or inside the tree, is removed, never
// followed.
func removeBeneath(root, rel string) error {
	pfd, name, err := openParent(root, rel, false)
	if errors.Is(err, unix.ENOENT) {
		return nil
	}
	if err != nil {
		return err
	}
	defer unix.Close(pfd)
	r, err := os.OpenRoot(procFD(pfd))
	if err != nil {
		return err
	}
	defer r.Close()
	return r.RemoveAll(name)
}

// renameBeneath moves the entry at from to to, both below root, making
// to's missing parents.
func renameBeneath(root, from, to string) error {
	ffd, fname, err := openParent(root, from, false)
	if err != nil {
		return err
	}
	defer unix.Close(ffd)
	tfd, tname, err := openParent(root, to, true)
	if err != nil {
		return err
	}
	defer unix.Close(tfd)
	return unix.Renameat(ffd, fname, tfd, tname)
}

// existsBeneath reports whether rel below root exists, reached without
// following a symlink (a symlink at rel itself exists).
func existsBeneath(root, rel string) (bool, error) {
	pfd, name, err := openParent(root, rel, false)
	if errors.Is(err, unix.ENOENT) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer unix.Close(pfd)
	var st unix.Stat_t
	err = unix.Fstatat(pfd, name, &st, unix.AT_SYMLINK_NOFOLLOW)
	if errors.Is(err, unix.ENOENT) {
		return false, nil
	}
	return err == nil, err
}

// isDirBeneath reports whether rel below root is a directory reached
// without following a symlink.
func isDirBeneath(root, rel string) bool {
	rfd, err := unix.Open(root, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return false
	}
	defer unix.Close(rfd)
	fd, err := openDirBeneath(rfd, rel)
	if err != nil {
		return false
	}
	unix.Close(fd)
	return true
}
