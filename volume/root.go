package volume

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync/atomic"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/internal/keylock"
	"golang.org/x/sys/unix"
)

// Enforcement is who applies the identity's permissions.
type Enforcement int

const (
	// Auto picks Kernel when the server may switch credentials.
	Auto Enforcement = iota
	// Kernel runs every path operation on a thread holding the identity's
	// fsuid, fsgid and groups: mode bits, ACLs, sticky bit and ownership
	// of new files are the kernel's.
	Kernel
	// UserSpace checks mode bits in Go before doing the operation with the
	// server's own credentials. New files then belong to the server user,
	// and ACLs are not consulted.
	UserSpace
)

func (e Enforcement) String() string {
	switch e {
	case Auto:
		return "auto"
	case Kernel:
		return "kernel"
	case UserSpace:
		return "userspace"
	}
	return "Enforcement(" + strconv.Itoa(int(e)) + ")"
}

// NoUmask, as Options.Umask, creates files 0666 and directories 0777
// (the zero Umask means the default 022).
const NoUmask uint32 = 0o1000

// Options configures a Root. The zero value is the durable default.
type Options struct {
	Umask   uint32      // 0 means 022; files get 0666&^Umask, directories 0777&^Umask
	NoFsync bool        // skip fsync of file and directory before Commit returns
	Enforce Enforcement // Auto by default
	// MetaDir holds Meta for file systems without user xattrs, one file per
	// inode, written with the server's credentials. Unused when the volume
	// supports user xattrs; required when it does not.
	MetaDir string

	forceMetaDir bool // tests: use MetaDir even when xattrs work
}

// DetectEnforcement reports Kernel when the process may set per-thread
// credentials (euid 0, or CAP_SETUID and CAP_SETGID), else UserSpace.
func DetectEnforcement() Enforcement {
	if unix.Geteuid() == 0 {
		return Kernel
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if unix.Capget(&hdr, &data[0]) != nil {
		return UserSpace
	}
	need := uint32(1<<unix.CAP_SETUID | 1<<unix.CAP_SETGID)
	if data[0].Effective&need == need {
		return Kernel
	}
	return UserSpace
}

// Root is one volume's directory tree. All access goes through As.
type Root struct {
	dir      string
	fd       int // O_PATH directory: the base of every openat2
	dev, ino uint64
	id       string // DirID of the directory (rootid.go)
	umask    uint32
	opts     Options
	kernel   bool
	tmpfile  bool                   // O_TMPFILE works here
	md       *metaDir               // nil when Meta lives in xattrs
	locks    keylock.Set            // serialises Commit, Remove and SetMeta per key
	busy     busyDirs               // directories Writers will link into: not pruned
	use      usage                  // cached Usage, for quotas (usage.go)
	mounts   atomic.Pointer[mounts] // nested volume roots (mounts.go)
}

// OpenRoot opens an existing directory as a volume root.
func OpenRoot(dir string, opts Options) (*Root, error) {
	fd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open volume root", Path: dir, Err: err}
	}
	r := &Root{dir: dir, fd: fd, opts: opts, umask: opts.Umask & 0o777, tmpfile: true}
	if opts.Umask == 0 {
		r.umask = 0o022
	}
	if err := r.init(); err != nil {
		unix.Close(fd)
		return nil, err
	}
	return r, nil
}

func (r *Root) init() error {
	var st unix.Stat_t
	if err := unix.Fstat(r.fd, &st); err != nil {
		return err
	}
	r.dev, r.ino = st.Dev, st.Ino
	id, err := idOf(r.fd)
	if err != nil {
		return err
	}
	r.id = id
	switch r.opts.Enforce {
	case Auto:
		r.kernel = DetectEnforcement() == Kernel
	case Kernel:
		if DetectEnforcement() != Kernel {
			return errors.New("volume: kernel enforcement needs CAP_SETUID and CAP_SETGID")
		}
		r.kernel = true
	}
	// The magic links of our own fds let us reach an O_TMPFILE or an
	// O_PATH fd by path (linkat, getxattr) without any name an attacker
	// could swap.
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		return fmt.Errorf("volume: /proc must be mounted: %w", err)
	}
	xattrs := r.probe()
	if xattrs && !r.opts.forceMetaDir {
		return nil
	}
	if r.opts.MetaDir == "" {
		return fmt.Errorf("volume: %s has no user xattrs; set Options.MetaDir", r.dir)
	}
	md, err := openMetaDir(r.opts.MetaDir)
	r.md = md
	return err
}

// probe finds out whether O_TMPFILE and user xattrs work, using the
// server's credentials. A read-only or unwritable root keeps the
// optimistic defaults: operations will fail there anyway.
func (r *Root) probe() (xattrs bool) {
	fd, err := unix.Openat(r.fd, ".", unix.O_TMPFILE|unix.O_RDWR|unix.O_CLOEXEC, 0o600)
	if err != nil && err != unix.EROFS && err != unix.EACCES {
		r.tmpfile = false
		name := tempPrefix + "probe-" + randHex()
		fd, err = unix.Openat(r.fd, name, unix.O_CREAT|unix.O_EXCL|unix.O_RDWR|unix.O_CLOEXEC, 0o600)
		if err == nil {
			unix.Unlinkat(r.fd, name, 0)
		}
	}
	if err != nil {
		return true
	}
	defer unix.Close(fd)
	err = unix.Fsetxattr(fd, metaXattr, metaMagic, 0)
	return err != unix.EOPNOTSUPP && err != unix.ENOTSUP
}

// Dir returns the directory the root was opened on.
func (r *Root) Dir() string { return r.dir }

// Enforcement reports how identities are enforced on this root.
func (r *Root) Enforcement() Enforcement {
	if r.kernel {
		return Kernel
	}
	return UserSpace
}

// Check reports whether the volume root is still a directory reachable
// by its name (not deleted, replaced or unmounted), for health checks and
// on every request. One stat by name suffices while all is well: a name
// that leads to the root's own inode proves it linked and a directory.
func (r *Root) Check() error {
	var st, byName unix.Stat_t
	errName := unix.Stat(r.dir, &byName)
	if errName == nil && byName.Dev == r.dev && byName.Ino == r.ino {
		return nil
	}
	if err := unix.Fstat(r.fd, &st); err != nil {
		return err
	}
	if st.Mode&unix.S_IFMT != unix.S_IFDIR || st.Nlink == 0 {
		return fmt.Errorf("volume: root %s was removed", r.dir)
	}
	if errName != nil {
		return &os.PathError{Op: "stat volume root", Path: r.dir, Err: errName}
	}
	return fmt.Errorf("volume: root %s was replaced or unmounted", r.dir)
}

// As returns the file operations of one identity on this root; no file
// operation exists without one.
func (r *Root) As(id fsxd.PosixIdentity) *FS {
	id.Groups = slices.Clone(id.Groups)
	return &FS{r: r, id: id}
}

// Close releases the root. Files already open stay usable.
func (r *Root) Close() error {
	if r.md != nil {
		r.md.close()
	}
	return unix.Close(r.fd)
}

func (r *Root) fileMode() uint32 { return 0o666 &^ r.umask }
func (r *Root) dirMode() uint32  { return 0o777 &^ r.umask }
