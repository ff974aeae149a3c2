package volume

import (
	"errors"
	"strings"

	"golang.org/x/sys/unix"
)

// CleanTemp removes the hidden temp files (".fsxd-tmp-*") that uploads
// interrupted by a crash left behind, in the whole volume, with the
// server's credentials. Run it before serving: it cannot tell a live
// upload's file from a dead one. Symlinks are not followed. Unnamed
// O_TMPFILE files need no cleaning: the kernel frees them with their fd.
func (r *Root) CleanTemp() error {
	fd, err := openBeneath(r.fd, ".", unix.O_RDONLY|unix.O_DIRECTORY, 0, beneath)
	if err != nil {
		return err
	}
	return cleanDir(fd)
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
			if err := unix.Unlinkat(fd, name, 0); err != nil && err != unix.ENOENT {
				errs = append(errs, err)
			}
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
