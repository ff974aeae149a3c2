package volume

import (
	"context"
	"io"
	"os"
	"runtime"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

const aclAccessXattr = "system.posix_acl_access"

// Adopted counts files Adopt took over, for tests and benchmarks: how
// often a multipart Complete made its object without a copy.
var Adopted atomic.Int64

// Adopt makes f, a finished file the server wrote on the volume's file
// system (a multipart upload's slot file), the file Commit names, in
// place of the one Create made: its bytes are then never copied. f first
// takes what Create's file has that f may lack: owner, group, mode, the
// access ACL a default ACL of the directory gave it, and a modification
// time of now; so the object ends up as a written one would. f is then linked into the target's
// directory under a hidden name, as the identity (which proves the link
// possible, e.g. not across mounts), and locked like a hidden temp file
// (CleanTemp leaves it alone).
//
// On success the Writer owns f. On error the Writer is unchanged and
// still usable, and f is the caller's.
func (w *Writer) Adopt(f *os.File) error {
	if w.done {
		return errDone
	}
	fd := int(f.Fd())
	if err := w.dress(fd); err != nil {
		return wrap("adopt", w.p.String(), err)
	}
	if _, err := f.Seek(0, io.SeekEnd); err != nil { // Append appends there
		return wrap("adopt", w.p.String(), err)
	}
	if err := unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB); err != nil {
		return wrap("adopt", w.p.String(), err) // another Complete is adopting it
	}
	name := tempPrefix + randHex()
	err := w.fs.do(context.Background(), func() error {
		return unix.Linkat(unix.AT_FDCWD, procPath(fd, ""), w.dirfd, name, unix.AT_SYMLINK_FOLLOW)
	})
	if err != nil {
		unix.Flock(fd, unix.LOCK_UN)
		return wrap("adopt", w.p.String(), err)
	}
	old, oldName := w.f, w.tmpName
	w.f, w.tmpName, w.adopted, w.noClone = f, name, true, true
	Adopted.Add(1)
	old.Close()
	if oldName != "" {
		w.fs.do(context.Background(), func() error { return unix.Unlinkat(w.dirfd, oldName, 0) })
	}
	return nil
}

// dress gives fd the owner, group, mode and access ACL of the Writer's
// own file, and the time, with the server's credentials (fchown needs
// them).
func (w *Writer) dress(fd int) error {
	var st unix.Stat_t
	if err := unix.Fstat(int(w.f.Fd()), &st); err != nil {
		return err
	}
	if err := w.chown(fd, st.Uid, st.Gid); err != nil {
		return err
	}
	if err := unix.Fchmod(fd, st.Mode&0o7777); err != nil {
		return err
	}
	// Modified now, as a file written now: not at the last part's write.
	now := []unix.Timespec{{Nsec: unix.UTIME_NOW}, {Nsec: unix.UTIME_NOW}}
	if err := unix.UtimesNanoAt(unix.AT_FDCWD, procPath(fd, ""), now, 0); err != nil {
		return err
	}
	return copyACL(int(w.f.Fd()), fd)
}

// copyACL copies the access ACL of src to dst, if src has one.
func copyACL(src, dst int) error {
	buf := make([]byte, 4096)
	n, err := unix.Fgetxattr(src, aclAccessXattr, buf)
	switch err {
	case nil:
		return unix.Fsetxattr(dst, aclAccessXattr, buf[:n], 0)
	case unix.ENODATA, unix.EOPNOTSUPP:
		return nil
	}
	return err
}

// chown gives fd to uid:gid with CAP_CHOWN alone in effect, which moves
// its blocks to their disk quota as a write of theirs would charge them:
// within their hard limits, which the server's CAP_SYS_RESOURCE would
// pass (caps.go). A thread whose capabilities cannot be restored stays
// locked, and dies with its goroutine, as in runAs.
func (w *Writer) chown(fd int, uid, gid uint32) error {
	srv := serverCaps()
	if !w.fs.r.kernel || w.fs.id.UID == 0 || srv.effective()&(1<<unix.CAP_CHOWN) == 0 {
		return unix.Fchown(fd, int(uid), int(gid))
	}
	runtime.LockOSThread()
	only := srv
	only[0].Effective, only[1].Effective = 1<<unix.CAP_CHOWN, 0
	if err := setThreadCaps(only); err != nil {
		runtime.UnlockOSThread()
		return err
	}
	err := unix.Fchown(fd, int(uid), int(gid))
	if rerr := restoreCaps(srv); rerr != nil {
		return rerr
	}
	if cerr := checkCaps(srv); cerr != nil {
		return cerr
	}
	runtime.UnlockOSThread()
	return err
}
