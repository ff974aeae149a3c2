package volume

import (
	"path"
	"strings"

	"golang.org/x/sys/unix"
)

// copier walks a source tree by directory fds (no path is resolved twice,
// no symlink followed) and recreates it beneath a destination directory.
type copier struct {
	opts  CopyOptions
	stats *CopyStats
	src   unix.Stat_t // the source root as opened
}

func (c *copier) root(src, dst string) error {
	sfd, err := unix.Open(src, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return c.gone(err)
	}
	defer unix.Close(sfd)
	if err := unix.Fstat(sfd, &c.src); err != nil {
		return err
	}
	if err := unix.Mkdir(dst, 0o700); err != nil {
		return err
	}
	dfd, err := unix.Open(dst, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(dfd)
	if err := c.dir(sfd, dfd, ""); err != nil {
		return err
	}
	var st unix.Stat_t
	if err := unix.Fstat(sfd, &st); err != nil {
		return err
	}
	return finishEntry(sfd, dfd, &st, true)
}

// stillAt checks that src is still the root the copy walked: a removal
// (RemoveTree) renames the root away before it deletes anything, so a
// root still in place when the walk is done was whole all along.
func (c *copier) stillAt(src string) error {
	var st unix.Stat_t
	if err := unix.Lstat(src, &st); err != nil {
		return c.gone(err)
	}
	if st.Dev != c.src.Dev || st.Ino != c.src.Ino {
		return ErrSourceGone
	}
	return nil
}

// gone is a vanished entry's error: ErrSourceGone for a Whole copy.
func (c *copier) gone(err error) error {
	if c.opts.Whole && err == unix.ENOENT {
		return ErrSourceGone
	}
	return err
}

// skipGone leaves out an entry gone since the listing, or fails a Whole
// copy.
func (c *copier) skipGone() error {
	if c.opts.Whole {
		return ErrSourceGone
	}
	c.stats.Skipped++
	return nil
}

// dir copies the entries of directory sfd into the empty directory dfd.
func (c *copier) dir(sfd, dfd int, rel string) error {
	var names []string
	if err := eachName(sfd, func(name string, _ uint8) { names = append(names, name) }); err != nil {
		return err
	}
	for _, name := range names {
		childRel := path.Join(rel, name)
		if strings.HasPrefix(name, tempPrefix) || c.opts.Skip != nil && c.opts.Skip(childRel) {
			continue
		}
		if err := c.entry(sfd, dfd, name, childRel); err != nil {
			return err
		}
	}
	return nil
}

// entry copies one entry of sfd. An entry gone since the listing is left
// out: it was deleted before the walk reached it.
func (c *copier) entry(sfd, dfd int, name, rel string) error {
	var st unix.Stat_t
	if err := unix.Fstatat(sfd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		if err == unix.ENOENT {
			return c.skipGone()
		}
		return err
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG:
		return c.file(sfd, dfd, name)
	case unix.S_IFDIR:
		return c.subdir(sfd, dfd, name, rel)
	case unix.S_IFLNK:
		return c.symlink(sfd, dfd, name, &st)
	default:
		c.stats.Skipped++ // sockets, fifos, devices: not objects
		return nil
	}
}

func (c *copier) subdir(sfd, dfd int, name, rel string) error {
	child, err := unix.Openat(sfd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err == unix.ENOENT || err == unix.ENOTDIR || err == unix.ELOOP {
		return c.skipGone() // removed or replaced since the stat
	}
	if err != nil {
		return err
	}
	defer unix.Close(child)
	if err := unix.Mkdirat(dfd, name, 0o700); err != nil {
		return err
	}
	dchild, err := unix.Openat(dfd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(dchild)
	if err := c.dir(child, dchild, rel); err != nil {
		return err
	}
	var st unix.Stat_t
	if err := unix.Fstat(child, &st); err != nil {
		return err
	}
	c.stats.Dirs++
	// Times last: the entries made above changed the directory's mtime.
	return finishEntry(child, dchild, &st, true)
}

func (c *copier) symlink(sfd, dfd int, name string, st *unix.Stat_t) error {
	target, err := readlinkat(sfd, name)
	if err == unix.ENOENT || err == unix.EINVAL {
		return c.skipGone()
	}
	if err != nil {
		return err
	}
	if err := unix.Symlinkat(target, dfd, name); err != nil {
		return err
	}
	if err := unix.Fchownat(dfd, name, int(st.Uid), int(st.Gid), unix.AT_SYMLINK_NOFOLLOW); err != nil && err != unix.EPERM {
		return err
	}
	c.stats.Symlinks++
	return unix.UtimesNanoAt(dfd, name, []unix.Timespec{st.Atim, st.Mtim}, unix.AT_SYMLINK_NOFOLLOW)
}

func readlinkat(dirfd int, name string) (string, error) {
	for size := 256; ; size *= 4 {
		buf := make([]byte, size)
		n, err := unix.Readlinkat(dirfd, name, buf)
		if err != nil {
			return "", err
		}
		if n < size {
			return string(buf[:n]), nil
		}
	}
}
