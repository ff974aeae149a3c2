package volume

// Reading Meta by fd and name. getxattrat(2) (Linux 6.13) reads an
// entry of a directory fd in one call; older kernels go through the /proc
// link of the fd, a few more path steps per file, noticeable in listings.
// An O_PATH fd itself is read through its /proc link.

import (
	"runtime"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// xattrArgs is struct xattr_args of getxattrat(2).
type xattrArgs struct {
	value uint64
	size  uint32
	flags uint32
}

var noGetxattrat atomic.Bool // the kernel said ENOSYS once

var metaXattrPtr, _ = unix.BytePtrFromString(metaXattr)

// getMeta reads the meta xattr of entry name of directory fd (a final
// symlink is not followed), or of fd itself when name is "", into buf,
// grown if needed, and returns buf. err is ENODATA when the xattr is
// absent; ENOTSUP, EACCES or others when it cannot be read.
func getMeta(fd int, name string, buf []byte) (n int, grown []byte, err error) {
	buf = buf[:cap(buf)]
	if len(buf) == 0 {
		buf = make([]byte, 1024) // a zero size would ask for the length only
	}
	for {
		n, err := getxattr(fd, name, buf)
		if err != unix.ERANGE || len(buf) >= 64<<10 {
			return n, buf, err
		}
		buf = make([]byte, 4*len(buf))
	}
}

func getxattr(fd int, name string, buf []byte) (int, error) {
	if name == "" {
		// fgetxattr (and getxattrat with AT_EMPTY_PATH) refuse O_PATH fds.
		n, err := unix.Fgetxattr(fd, metaXattr, buf)
		if err != unix.EBADF {
			return n, err
		}
		return unix.Getxattr(procPath(fd, ""), metaXattr, buf) // follows the magic link
	}
	if !noGetxattrat.Load() {
		n, err := getxattrat(fd, name, buf)
		if err != unix.ENOSYS {
			return n, err
		}
		noGetxattrat.Store(true)
	}
	return unix.Lgetxattr(procPath(fd, name), metaXattr, buf)
}

// getxattrat reads the meta xattr of entry name of directory fd.
func getxattrat(fd int, name string, buf []byte) (int, error) {
	path, err := unix.BytePtrFromString(name)
	if err != nil {
		return 0, err
	}
	flags := unix.AT_SYMLINK_NOFOLLOW
	args := xattrArgs{value: uint64(uintptr(unsafe.Pointer(&buf[0]))), size: uint32(len(buf))}
	n, _, e := unix.Syscall6(unix.SYS_GETXATTRAT, uintptr(fd), uintptr(unsafe.Pointer(path)),
		uintptr(flags), uintptr(unsafe.Pointer(metaXattrPtr)), uintptr(unsafe.Pointer(&args)), unsafe.Sizeof(args))
	runtime.KeepAlive(buf)
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}
