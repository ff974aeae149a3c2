package volume

import (
	"errors"
	"strings"

	"golang.org/x/sys/unix"
)

// CleanTemp removes the hidden temp files (".fsxd-tmp-*") that uploads
// interrupted by a crash left behind, in the whole volume, with the
// server's credentials. A live Writer holds a flock on its file (see
// openTemp), so CleanTemp is safe while serving, also on a volume other
// nodes write to. Symlinks are not followed. Unnamed O_TMPFILE files need
// no cleaning: the kernel frees them with their fd.
func (r *Root) CleanTemp() error {
	fd, err := openBeneath(r.fd, ".", unix.O_RDONLY|unix.O_DIRECTORY, 0, beneath)
	if err != nil {
		return err
	}
	return cleanDir(fd)
}

// CleanTempDir is CleanTemp on the tree at dir, without opening a Root.
func CleanTempDir(dir string) error {
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	return cleanDir(fd)
}

// removeDead unlinks the temp file name in dirfd unless a live Writer
// holds its lock. Only a regular file is opened (through its O_PATH fd's
// /proc link, so a device swapped in is never opened).
func removeDead(dirfd int, name string) error {
	pfd, err := openChild(dirfd, name, unix.O_PATH)
	if err != nil {
		return nil // gone, or not ours to judge
	}
	defer unix.Close(pfd)
	var st unix.Stat_t
	if unix.Fstat(pfd, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFREG {
		return nil
	}
	fd, err := unix.Open(procPath(pfd, ""), unix.O_RDONLY|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	if unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB) != nil {
		return nil // a live upload's, or no locks here: leave it
	}
	if err := unix.Unlinkat(dirfd, name, 0); err != nil && err != unix.ENOENT {
		return err
	}
	return nil
}

// cleanDir cleans the directory fd and closes it. Errors in one
// directory do not stop the others; the first is returned.
func cleanDir(fd int) error {
	defer unix.Close(fd)
	var dirs []string
	var errs []error
	err := eachName(fd, func(name string, typ uint8) {
		if typ == unix.DT_UNKNOWN {
			typ = typeAt(fd, name)
		}
		switch {
		case typ == unix.DT_DIR:
			dirs = append(dirs, name)
		case typ == unix.DT_REG && strings.HasPrefix(name, tempPrefix):
			errs = append(errs, removeDead(fd, name))
		}
	})
	errs = append(errs, err)
	for _, name := range dirs {
		child, err := openChild(fd, name, unix.O_RDONLY|unix.O_DIRECTORY)
		if err == nil {
			err = cleanDir(child)
		}
		if err != unix.ENOENT {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
