package volume

import (
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// file copies one regular file: bytes, then metadata, all read through the
// one fd opened here (see the consistency rule in snapshot.go).
func (c *copier) file(sfd, dfd int, name string) error {
	// O_NONBLOCK: the entry may have become a fifo since its stat.
	src, err := unix.Openat(sfd, name, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err == unix.ENOENT {
		return c.skipGone()
	}
	if err == unix.ELOOP || err == unix.ENXIO {
		c.stats.Skipped++
		return nil
	}
	if err != nil {
		return err
	}
	defer unix.Close(src)
	var st unix.Stat_t
	if err := unix.Fstat(src, &st); err != nil {
		return err
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		c.stats.Skipped++
		return nil
	}
	dst, err := unix.Openat(dfd, name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return err
	}
	defer unix.Close(dst)
	n, err := c.data(src, dst)
	if err != nil {
		return err
	}
	// The Meta describes the bytes copied only if the file did not change
	// under the copy (possible only for writes in place, beside S3).
	var after unix.Stat_t
	if err := unix.Fstat(src, &after); err != nil {
		return err
	}
	unchanged := n == st.Size && after.Size == st.Size && after.Mtim == st.Mtim
	c.stats.Files++
	if c.opts.Progress != nil {
		c.opts.Progress(*c.stats)
	}
	return finishEntry(src, dst, &st, unchanged)
}

// data copies src's bytes to the empty dst by the cheapest method the file
// systems allow and returns how many it copied.
func (c *copier) data(src, dst int) (int64, error) {
	var st unix.Stat_t
	if err := unix.IoctlFileClone(dst, src); err == nil {
		if err := unix.Fstat(dst, &st); err != nil {
			return 0, err
		}
		c.stats.Bytes += st.Size
		c.stats.ClonedBytes += st.Size
		return st.Size, nil
	}
	var total int64
	for {
		n, err := unix.CopyFileRange(src, nil, dst, nil, 1<<30, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			if total == 0 && (err == unix.EXDEV || err == unix.ENOSYS || err == unix.EINVAL || err == unix.EOPNOTSUPP) {
				return c.readWrite(src, dst)
			}
			return 0, err
		}
		if n == 0 {
			c.stats.Bytes += total
			c.stats.KernelBytes += total
			return total, nil
		}
		total += int64(n)
	}
}

func (c *copier) readWrite(src, dst int) (int64, error) {
	// The fds stay owned by the caller: wrap without closing them.
	n, err := io.Copy(os.NewFile(uintptr(dst), "dst"), io.NopCloser(os.NewFile(uintptr(src), "src")))
	c.stats.Bytes += n
	c.stats.ReadWriteBytes += n
	return n, err
}

// finishEntry gives the copy dfd of sfd (whose stat is st) its xattrs,
// owner, mode and times, in that order (chown clears set-id bits, and
// every step but the last changes ctime only). Meta is restamped for the
// new inode when it was valid for sfd and restamp allows, so the copy
// keeps its ETag and checksums; otherwise it is copied as it was (stale,
// as it was on the source).
func finishEntry(sfd, dfd int, st *unix.Stat_t, restamp bool) error {
	meta, err := copyXattrs(sfd, dfd)
	if err != nil {
		return err
	}
	if err := unix.Fchown(dfd, int(st.Uid), int(st.Gid)); err != nil && err != unix.EPERM {
		return err
	}
	if err := unix.Fchmod(dfd, st.Mode&0o7777); err != nil {
		return err
	}
	ts := []unix.Timespec{st.Atim, st.Mtim}
	if err := unix.UtimesNanoAt(unix.AT_FDCWD, procPath(dfd, ""), ts, 0); err != nil {
		return err
	}
	if meta == nil {
		return nil
	}
	if m, err := decodeMeta(meta); err == nil && restamp && m.Stamp.matches(st) {
		var dst unix.Stat_t
		if err := unix.Fstat(dfd, &dst); err != nil {
			return err
		}
		m.Stamp = stampOf(&dst)
		meta = encodeMeta(m)
	}
	return unix.Fsetxattr(dfd, metaXattr, meta, 0)
}

// copyXattrs copies every extended attribute of sfd that dfd accepts
// (ACLs and security labels need privileges the server may lack) except
// the Meta, which it returns for finishEntry (nil when there is none).
func copyXattrs(sfd, dfd int) ([]byte, error) {
	names, err := listXattrs(sfd)
	if err != nil {
		return nil, err
	}
	var meta []byte
	for _, name := range names {
		val, err := readXattr(sfd, name)
		if err == unix.ENODATA {
			continue // removed since the listing
		}
		if err != nil {
			return nil, err
		}
		if name == metaXattr {
			meta = val
			continue
		}
		if err := unix.Fsetxattr(dfd, name, val, 0); err != nil && err != unix.EPERM && err != unix.EOPNOTSUPP {
			return nil, err
		}
	}
	return meta, nil
}

func listXattrs(fd int) ([]string, error) {
	size, err := unix.Flistxattr(fd, nil)
	if err == unix.EOPNOTSUPP || size == 0 {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	buf := make([]byte, size*2)
	n, err := unix.Flistxattr(fd, buf)
	if err != nil {
		return nil, err
	}
	var names []string
	for start, i := 0, 0; i < n; i++ {
		if buf[i] == 0 {
			names = append(names, string(buf[start:i]))
			start = i + 1
		}
	}
	return names, nil
}

func readXattr(fd int, name string) ([]byte, error) {
	size, err := unix.Fgetxattr(fd, name, nil)
	if err != nil {
		return nil, err
	}
	buf := make([]byte, size+64)
	n, err := unix.Fgetxattr(fd, name, buf)
	if err != nil {
		return nil, err
	}
	return buf[:n], nil
}
