//go:build linux && (amd64 || arm64)

package volume

import (
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// lstatAt is fstatat(dirfd, name, st, AT_SYMLINK_NOFOLLOW) with name
// NUL-terminated in buf rather than in a new C string: a listing calls it
// once per key, and that string was one allocation per key. Both
// architectures call the system call newfstatat with x/sys's Stat_t.
func lstatAt(dirfd int, name string, st *unix.Stat_t, buf *nameBuf) error {
	if len(name) >= len(buf) || strings.IndexByte(name, 0) >= 0 {
		return unix.Fstatat(dirfd, name, st, unix.AT_SYMLINK_NOFOLLOW) // its EINVAL for a NUL
	}
	buf[copy(buf[:], name)] = 0
	_, _, e := unix.Syscall6(unix.SYS_NEWFSTATAT, uintptr(dirfd), uintptr(unsafe.Pointer(&buf[0])),
		uintptr(unsafe.Pointer(st)), unix.AT_SYMLINK_NOFOLLOW, 0, 0)
	if e != 0 {
		return e
	}
	return nil
}
