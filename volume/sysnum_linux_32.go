//go:build linux && (386 || arm)

package volume

import "golang.org/x/sys/unix"

// On 386 and arm SYS_SETGROUPS takes 16-bit gids; the 32-bit call is separate.
const sysSetgroups = unix.SYS_SETGROUPS32
