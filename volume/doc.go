// Package volume is the only way the S3 data plane touches files: file
// operations beneath one volume root, each performed as one POSIX
// identity.
//
// A Root is opened once per volume; Root.As(identity) gives an FS, and
// every file operation is a method of FS, so none exists without an
// identity. Keys become paths only through ParseKey, which rejects "",
// ".", ".." and empty segments.
//
// Confinement: every path is resolved by the kernel beneath the root
// (openat2 RESOLVE_BENEATH|RESOLVE_NO_MAGICLINKS; see resolve.go). A
// symlink that stays inside the volume is followed, as on the NFS mount;
// one that is absolute, climbs out, or dangles fails (ErrEscape,
// ErrNotExist). Remove and replace act on a symlink itself, never on its
// target. Walk lists a symlink to a regular file under its own name and
// skips symlinks to directories (see Walk).
//
// Identity: in Kernel mode (the server may set credentials) each path
// operation runs on the caller's OS thread, locked while it holds the
// identity's fsuid, fsgid and groups, so the kernel decides exactly as
// for an NFS client and new files belong to the identity (runas.go). In UserSpace mode
// mode bits are checked in Go and the server's credentials do the work;
// new files then belong to the server and ACLs are ignored (access.go).
//
// Objects: Create writes to an unnamed O_TMPFILE (or a hidden
// ".fsxd-tmp-*" file that CleanTemp removes) and Commit links it into
// place atomically (writer.go, commit.go). Meta is one xattr,
// "user.fsxd.meta", in a compact versioned encoding (metacodec.go), or a
// file in Options.MetaDir where user xattrs are unsupported (metadir.go).
// It carries a Stamp of the file it describes: a file changed beside S3
// has stale Meta, reported as none, and gets a SyntheticETag.
//
// Directories: "dir/" objects are DirMarker directories; directories made
// only to hold a key are Implicit and pruned when their last key goes
// (dirops.go). Listing order and positioning: walk.go.
//
// Nested volumes: the roots of other volumes beneath this one, declared
// with SetMounts, and the directories above them cannot be removed, made
// or replaced through this root (ErrMountPoint, mounts.go). DirID
// identifies a root directory across restarts and nodes (rootid.go).
//
// The package is Linux-only (openat2, O_TMPFILE, per-thread credentials).
package volume
