// Package testfs gives tests a file system of their own: small, to fill,
// or of a kind the machine's disk is not.
package testfs

import (
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Tmpfs mounts a tmpfs of size (as mount takes it: "8m") and unmounts it
// when the test ends; register it before anything that must stop first.
// Mounting needs root: outside CI the test skips without it, in CI (CI
// set) it fails.
func Tmpfs(t testing.TB, size string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "mnt")
	if err := os.Mkdir(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size+",mode=0777"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("mount tmpfs (CI must run as root): %v", err)
		}
		t.Skipf("mount tmpfs: %v (needs root)", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

// Image makes a size-byte sparse image, formats it with the mkfs command
// given (the image's path is added last), attaches it to a loop device and
// mounts it as fstype on a fresh directory, which it returns: for tests
// that need a file system of another kind (XFS's reflinks) or shape
// (ext4's root reserve). Unmounted and detached when the test ends, after
// whatever the test registered later has stopped. Root only, as Tmpfs;
// scripts/deps.sh installs the mkfs tools.
func Image(t testing.TB, fstype string, size int64, mkfs ...string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		if os.Getenv("CI") != "" {
			t.Fatalf("mount %s image: CI must run as root", fstype)
		}
		t.Skipf("mount %s image: needs root", fstype)
	}
	dir := t.TempDir()
	img, mnt := filepath.Join(dir, fstype+".img"), filepath.Join(dir, "mnt")
	if err := os.WriteFile(img, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(img, size); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(mnt, 0o755); err != nil {
		t.Fatal(err)
	}
	run(t, append(mkfs, img)...)
	dev := strings.TrimSpace(run(t, "losetup", "--find", "--show", img))
	t.Cleanup(func() { exec.Command("losetup", "-d", dev).Run() })
	run(t, "mount", "-t", fstype, dev, mnt)
	t.Cleanup(func() {
		if out, err := exec.Command("umount", mnt).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", mnt, err, out)
		}
	})
	return mnt
}

func run(t testing.TB, args ...string) string {
	t.Helper()
	out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
	if err != nil {
		t.Fatalf("%q: %v: %s (scripts/deps.sh installs it)", args, err, out)
	}
	return string(out)
}

// SharedBytes sums the extents of path that FIEMAP marks shared with
// another file (a reflink's source or copy), after syncing it.
func SharedBytes(t testing.TB, path string) int64 {
	t.Helper()
	const (
		fsIocFiemap  = 0xC020660B // _IOWR('f', 11, struct fiemap)
		fiemapSync   = 0x1
		extentLast   = 0x1
		extentShared = 0x2000
		maxExtents   = 64
		headerSize   = 32 // struct fiemap
		extentSize   = 56 // struct fiemap_extent
	)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ne := binary.NativeEndian
	b := make([]byte, headerSize+maxExtents*extentSize)
	var total int64
	for start := uint64(0); ; {
		clear(b)
		ne.PutUint64(b[0:], start)      // fm_start
		ne.PutUint64(b[8:], ^uint64(0)) // fm_length: to the end
		ne.PutUint32(b[16:], fiemapSync)
		ne.PutUint32(b[24:], maxExtents) // fm_extent_count
		if _, _, e := unix.Syscall(unix.SYS_IOCTL, f.Fd(), fsIocFiemap, uintptr(unsafe.Pointer(&b[0]))); e != 0 {
			t.Fatalf("FIEMAP %s: %v", path, e)
		}
		mapped := int(ne.Uint32(b[20:])) // fm_mapped_extents
		if mapped == 0 {
			return total
		}
		for i := range mapped {
			e := b[headerSize+i*extentSize:]
			logical, length, flags := ne.Uint64(e[0:]), ne.Uint64(e[16:]), ne.Uint32(e[40:])
			if flags&extentShared != 0 {
				total += int64(length)
			}
			if flags&extentLast != 0 {
				return total
			}
			start = logical + length
		}
	}
}
