package volume

import "golang.org/x/sys/unix"

// Sequential tells the kernel that n bytes from off will be read once,
// in order (posix_fadvise SEQUENTIAL: Linux doubles the readahead window
// for the file), as a large GET sends them. It is only a hint: a file
// system that ignores it, or an error, changes nothing.
func (f *File) Sequential(off, n int64) {
	unix.Fadvise(int(f.Fd()), off, n, unix.FADV_SEQUENTIAL)
}
