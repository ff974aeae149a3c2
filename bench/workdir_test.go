package bench

import (
	"os"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// On ext4 the run's directory carries FS_TOPDIR_FL and the report says
// so; elsewhere WorkDir still makes a searchable directory.
func TestWorkDirTopDir(t *testing.T) {
	dir, fsType, err := WorkDir(t.TempDir(), ".")
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o755 || !fi.IsDir() {
		t.Fatalf("run dir %s: %v, %v", dir, fi, err)
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	flagged := strings.Contains(fsType, "chattr +T")
	if st.Type != 0xEF53 {
		t.Logf("%s is %s: the flag is best effort there (reported: %v)", dir, fsType, flagged)
		return
	}
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	flags, err := unix.IoctlGetUint32(fd, unix.FS_IOC_GETFLAGS)
	if err != nil {
		t.Fatal(err)
	}
	if flags&fsTopdirFL == 0 || !flagged {
		t.Errorf("ext4 run dir: flags %#x, report %q; want FS_TOPDIR_FL and the report saying so", flags, fsType)
	}
}
