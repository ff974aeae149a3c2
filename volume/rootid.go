package volume

import (
	"encoding/hex"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// Root identity. A volume's root must stay the directory it was created
// with: one removed and made again at the same name (by a parent volume's
// access point, or beside S3) belongs to whoever made it. Device and
// inode numbers do not tell: ext4 hands a freed inode number to the next
// mkdir, and device numbers differ between the nodes sharing a file
// system and may change across remounts. A file handle does tell: it
// holds the inode and its generation, outlives restarts, and is the same
// on every NFS client of a server. Where a file system has no handles the
// inode number is the identity.

// DirID returns the identity of the directory dir (symlinks followed, as
// OpenRoot does).
func DirID(dir string) (string, error) {
	fd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return "", &os.PathError{Op: "open", Path: dir, Err: err}
	}
	defer unix.Close(fd)
	return idOf(fd)
}

// ID returns the identity of the directory the root holds open.
func (r *Root) ID() string { return r.id }

func idOf(fd int) (string, error) {
	h, _, err := unix.NameToHandleAt(fd, "", unix.AT_EMPTY_PATH)
	if err == nil {
		return "fh:" + strconv.FormatInt(int64(h.Type()), 10) + ":" + hex.EncodeToString(h.Bytes()), nil
	}
	if err != unix.EOPNOTSUPP && err != unix.ENOSYS {
		return "", err // a transient failure must not look like another identity
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return "", err
	}
	return "ino:" + strconv.FormatUint(st.Ino, 10), nil
}
