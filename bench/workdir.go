package bench

import (
	"fmt"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// The benchmark's files must be on the disk fsxd would use, not in
// memory: a tmpfs /tmp would make every fsync free and the raw ceiling a
// memory benchmark.

const tmpfsMagic = 0x01021994

var fsNames = map[int64]string{
	0xEF53: "ext4", 0x58465342: "xfs", 0x9123683E: "btrfs", tmpfsMagic: "tmpfs",
	0x794c7630: "overlayfs", 0x2fc12fc1: "zfs", 0x6969: "nfs", 0x01021997: "9p",
}

// WorkDir makes the run's directory: under parent when given, else in
// the system temp dir if that is on the same file system as moduleDir and
// not tmpfs, else under moduleDir. It returns the directory and the file
// system's type, for the report.
func WorkDir(parent, moduleDir string) (dir, fsType string, err error) {
	if parent == "" {
		parent = os.TempDir()
		if !sameDisk(parent, moduleDir) {
			parent = moduleDir
		}
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", "", err
	}
	dir, err = os.MkdirTemp(parent, ".fsxdbench-")
	if err != nil {
		return "", "", err
	}
	// fsxd chowns nothing: a non-root identity reaches its volume through
	// the directories above it, so they must be searchable by everyone.
	if err := os.Chmod(dir, 0o755); err != nil {
		return "", "", err
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return "", "", err
	}
	fsType = fsNames[int64(st.Type)]
	if fsType == "" {
		fsType = fmt.Sprintf("fs type %#x", st.Type)
	}
	if markTopDir(dir) {
		fsType += ", subdirectories spread over block groups (chattr +T)"
	}
	return dir, fsType, nil
}

// fsTopdirFL is FS_TOPDIR_FL (chattr +T), which x/sys does not name.
const fsTopdirFL = 0x00020000

// markTopDir asks ext2/3/4 to place each subdirectory of dir (fsxd's
// data, the raw ceiling's) where it places top-level directories: in a
// block group with more free inodes and blocks than average, rather than
// beside dir. Why: without a journal ext4's inode allocator walks past
// every inode of the group freed in the last minute, so files made
// where an earlier test run just deleted thousands cost more to create,
// and the same build measured up to 1.5x apart from one run to the next
// (docs/performance.md, Round 6). Best effort: other file systems refuse
// or ignore the flag, and the run goes on without it.
func markTopDir(dir string) bool {
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return false
	}
	defer unix.Close(fd)
	flags, err := unix.IoctlGetUint32(fd, unix.FS_IOC_GETFLAGS)
	if err != nil {
		return false
	}
	if unix.IoctlSetPointerInt(fd, unix.FS_IOC_SETFLAGS, int(flags|fsTopdirFL)) != nil {
		return false
	}
	flags, err = unix.IoctlGetUint32(fd, unix.FS_IOC_GETFLAGS)
	return err == nil && flags&fsTopdirFL != 0
}

// sameDisk reports whether a and b are on one file system that is not
// tmpfs.
func sameDisk(a, b string) bool {
	var sa, sb syscall.Stat_t
	var fs syscall.Statfs_t
	if syscall.Stat(a, &sa) != nil || syscall.Stat(b, &sb) != nil || syscall.Statfs(a, &fs) != nil {
		return false
	}
	return sa.Dev == sb.Dev && int64(fs.Type) != tmpfsMagic
}
