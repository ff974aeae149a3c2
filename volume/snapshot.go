package volume

// Point-in-time copies of a volume tree: the data behind FSx snapshots and
// backups (package fsxapi keeps the records). CopyTree copies into a
// hidden temporary directory beside the destination and renames it into
// place only when the copy is complete and synced, so a crash leaves
// either no copy or a whole one; CleanCopies removes what a crash left.
//
// Consistency rule: every regular file is copied from one open file
// descriptor, so its bytes, mode, owner, times and xattrs (fsxd's object
// Meta among them) come from one inode. An S3 PUT, copy or multipart
// completion replaces a file by renaming a new inode into place, so the
// copy holds each object either wholly as it was before that write or
// wholly as after it, never a mix, and its Meta (ETag, checksums) always
// describes the bytes copied. Different files are copied at different
// instants (each as of when the walk reached it): the copy is not one
// instant of the whole tree. A file written in place beside S3 while it is
// being copied may be caught mid-write (except with reflinks, which clone
// under the inode lock); its Meta was already stale and stays stale.
//
// Method and cost: each file is first cloned with FICLONE (XFS, btrfs,
// bcachefs: O(1) per file, no data copied, blocks shared until written);
// where the file system refuses, copy_file_range (in-kernel copy, server
// side on NFS 4.2), and a read/write loop where that is unavailable too.
// CopyStats says which method served how many bytes. Whatever the method,
// the walk costs one getdents per directory and a few system calls per
// entry, and the copy is synced (syncfs) once before it is renamed.

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// Hidden names beside a copy, one being made and one being removed:
// reserved (tempPrefix), so inside a volume no key or listing reaches them.
const (
	copyTempPrefix = tempPrefix + "copy-"
	copyDropPrefix = tempPrefix + "drop-"
)

// CopyOptions tune CopyTree.
type CopyOptions struct {
	// Skip reports whether the entry at rel (slash-separated, relative to
	// the source root) is left out with everything below it: nested
	// volumes, which are not part of their parent's snapshot, as on ZFS.
	Skip func(rel string) bool
	// Progress, if set, is called after each regular file with the
	// totals so far.
	Progress func(CopyStats)
	// Whole is for sources that never change (snapshots, backups): an
	// entry vanishing mid-walk, or the source leaving its path (RemoveTree
	// renames it away first), fails the copy with ErrSourceGone rather
	// than leaving the entry out.
	Whole bool
}

// CopyStats counts what a copy did.
type CopyStats struct {
	Files, Dirs, Symlinks int64
	Bytes                 int64 // file bytes, however copied
	ClonedBytes           int64 // shared by FICLONE
	KernelBytes           int64 // copied by copy_file_range
	ReadWriteBytes        int64 // copied through user space
	Skipped               int64 // sockets, devices, fifos, entries gone mid-walk
}

// Method names the cheapest method that did most of the work: "reflink",
// "copy_file_range" or "read/write" ("reflink" for a tree without data).
func (s CopyStats) Method() string {
	switch {
	case s.KernelBytes == 0 && s.ReadWriteBytes == 0:
		return "reflink"
	case s.KernelBytes >= s.ReadWriteBytes:
		return "copy_file_range"
	default:
		return "read/write"
	}
}

// ErrCopyExists is returned by CopyTree when dst already exists.
var ErrCopyExists = errors.New("volume: copy destination exists")

// ErrSourceGone is returned by CopyTree with Whole when the source was
// removed, even in part, while it was copied.
var ErrSourceGone = errors.New("volume: copy source removed during the copy")

// CopyTree copies the tree at src to dst, which must not exist; its parent
// must. The copy appears at dst atomically and durably, or not at all.
func CopyTree(src, dst string, opts CopyOptions) (CopyStats, error) {
	var stats CopyStats
	if _, err := os.Lstat(dst); err == nil {
		return stats, ErrCopyExists
	}
	parent, base := filepath.Split(dst)
	tmp := filepath.Join(parent, copyTempPrefix+base)
	if err := os.RemoveAll(tmp); err != nil { // an earlier attempt's
		return stats, err
	}
	c := &copier{opts: opts, stats: &stats}
	err := c.root(src, tmp)
	if err == nil && opts.Whole {
		err = c.stillAt(src)
	}
	if err != nil {
		os.RemoveAll(tmp)
		return stats, err
	}
	if err := syncPath(tmp); err != nil {
		os.RemoveAll(tmp)
		return stats, err
	}
	if err := os.Rename(tmp, dst); err != nil {
		os.RemoveAll(tmp)
		return stats, err
	}
	return stats, syncPath(parent)
}

// RemoveTree removes a copy made by CopyTree. It is renamed to a hidden
// name first, so a crash midway leaves no half tree under the real name;
// CleanCopies finishes the job.
func RemoveTree(dir string) error {
	parent, base := filepath.Split(filepath.Clean(dir))
	drop := filepath.Join(parent, copyDropPrefix+base)
	if err := os.Rename(dir, drop); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return os.RemoveAll(drop) // renamed before a crash
		}
		return err
	}
	return os.RemoveAll(drop)
}

// CleanCopies removes the hidden leftovers of copies and removals that a
// crash interrupted, among the entries of dir (not below them). A
// missing dir has nothing to clean.
func CleanCopies(dir string) error { return CleanCopiesExcept(dir, nil) }

// CleanCopiesExcept is CleanCopies leaving alone the copy to dst's base
// name base while live(base) says it is being made (by another node on a
// shared file system, whose copy is no leftover).
func CleanCopiesExcept(dir string, live func(base string) bool) error {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range ents {
		n := e.Name()
		if base, ok := strings.CutPrefix(n, copyTempPrefix); ok && live != nil && live(base) {
			continue
		}
		if strings.HasPrefix(n, copyTempPrefix) || strings.HasPrefix(n, copyDropPrefix) {
			errs = append(errs, os.RemoveAll(filepath.Join(dir, n)))
		}
	}
	return errors.Join(errs...)
}

// syncPath flushes the file system holding path: one syncfs rather than
// an fsync per copied file.
func syncPath(path string) error {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	return unix.Syncfs(fd)
}
