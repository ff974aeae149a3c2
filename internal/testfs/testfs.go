// Package testfs gives tests a file system of their own: small, to fill,
// or of a kind the machine's disk is not.
package testfs

import (
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
	if os.Geteuid() != 0 {
		if os.Getenv("CI") != "" {
			t.Fatalf("mount %s image: CI must run as root", fstype)
		}
		t.Skipf("mount %s image: needs root", fstype)
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
		fsIocFiemap    = 0xC020660B
		fiemapSync     = 0x1
		extentLast     = 0x1
		extentShared   = 0x2000
		maxExtents     = 64
		headerSize     = 32
		extentSize     = 56
		flagsInExtent  = 40
		lengthInExtent = 16
	)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var total int64
	for start := uint64(0); ; {
		buf := make([]uint64, (headerSize+maxExtents*extentSize)/8)
		b := unsafe.Slice((*byte)(unsafe.Pointer(&buf[0])), len(buf)*8)
		*(*uint64)(unsafe.Pointer(&b[0])) = start
		*(*uint64)(unsafe.Pointer(&b[8])) = ^uint64(0)
		*(*uint32)(unsafe.Pointer(&b[16])) = fiemapSync
		*(*uint32)(unsafe.Pointer(&b[24])) = maxExtents
		if _, _, e := unix.Syscall(unix.SYS_IOCTL, f.Fd(), fsIocFiemap, uintptr(unsafe.Pointer(&b[0]))); e != 0 {
			t.Fatalf("FIEMAP %s: %v", path, e)
		}
		mapped := *(*uint32)(unsafe.Pointer(&b[20]))
		if mapped == 0 {
			return total
		}
		for i := range int(mapped) {
			e := b[headerSize+i*extentSize:]
			logical := *(*uint64)(unsafe.Pointer(&e[0]))
			length := *(*uint64)(unsafe.Pointer(&e[lengthInExtent]))
			flags := *(*uint32)(unsafe.Pointer(&e[flagsInExtent]))
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
