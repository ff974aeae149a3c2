package volume

// Nested volumes. A volume's tree may hold the roots of other volumes
// (OpenZFS child volumes, ONTAP volumes junctioned below another one).
// Each is a mount point: on FSx, rmdir of a mounted dataset fails and a
// directory made in its place would hide nothing. So through this root
// nobody may remove, make, replace or re-mark a nested root, nor any
// directory on the path to it, whatever the mode bits say: the operation
// fails with ErrMountPoint (an ErrPermission). What lies inside a nested
// root stays reachable, as through an NFS mount of the parent with
// crossmnt; only the directories that hold the mount are fixed.
//
// The set comes from the caller (the store knows which volumes nest
// where). Names are checked lexically on the key; removals also compare
// the inode about to go with the nested roots' inodes, so a symlink made
// beside S3 cannot lead a key onto a nested root.

import (
	"errors"
	"path"
	"strings"

	"golang.org/x/sys/unix"
)

// ErrMountPoint is the cause of refusing to touch a nested volume's root
// or a directory above it. It is reported as ErrPermission.
var ErrMountPoint = errors.New("the root of another volume, or a directory holding one")

// mounts is one immutable set of nested roots.
type mounts struct {
	path  map[string]bool // each nested root and every directory above it, relative to the root
	roots map[fileID]bool // the nested roots' inodes, as found by SetMounts
}

type fileID struct{ dev, ino uint64 }

// SetMounts declares the roots of the volumes nested beneath r, as paths
// relative to r ("child", "a/b"), replacing any earlier set. Paths that
// are not below r are ignored. A nested root that does not exist (yet, or
// any more) is still protected by name.
func (r *Root) SetMounts(rels []string) {
	m := &mounts{path: map[string]bool{}, roots: map[fileID]bool{}}
	for _, rel := range rels {
		rel = path.Clean(rel)
		if rel == "." || rel == ".." || strings.HasPrefix(rel, "../") || path.IsAbs(rel) {
			continue
		}
		for p := rel; p != "."; p = path.Dir(p) {
			m.path[p] = true
		}
		if fd, err := r.openPath(rel, unix.O_DIRECTORY); err == nil {
			var st unix.Stat_t
			if unix.Fstat(fd, &st) == nil {
				m.roots[fileID{st.Dev, st.Ino}] = true
			}
			unix.Close(fd)
		}
	}
	r.mounts.Store(m)
}

// guard refuses an operation that would make, remove or replace the
// directory rel (a key without its trailing "/").
func (r *Root) guard(rel string) error {
	if m := r.mounts.Load(); m != nil && m.path[rel] {
		return ErrMountPoint
	}
	return nil
}

// guardInode refuses removing the directory st, when it is a nested root
// reached by another name.
func (r *Root) guardInode(st *unix.Stat_t) error {
	if m := r.mounts.Load(); m != nil && m.roots[fileID{st.Dev, st.Ino}] {
		return ErrMountPoint
	}
	return nil
}
