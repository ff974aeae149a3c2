//go:build linux && !386 && !arm

package volume

import "golang.org/x/sys/unix"

// sysSetgroups takes 32-bit gid_t here.
const sysSetgroups = unix.SYS_SETGROUPS
