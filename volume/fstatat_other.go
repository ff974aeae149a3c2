//go:build linux && !amd64 && !arm64

package volume

import "golang.org/x/sys/unix"

// lstatAt is fstatat(dirfd, name, st, AT_SYMLINK_NOFOLLOW); buf is used
// only where the system call is made directly (fstatat_linux.go).
func lstatAt(dirfd int, name string, st *unix.Stat_t, _ *nameBuf) error {
	return unix.Fstatat(dirfd, name, st, unix.AT_SYMLINK_NOFOLLOW)
}
