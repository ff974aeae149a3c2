package volume

import (
	"context"
	"os"
	"strings"

	"github.com/fsxd/fsxd"
	"golang.org/x/sys/unix"
)

// FS is one identity's view of one Root. It is cheap; make one per request.
type FS struct {
	r  *Root
	id fsxd.PosixIdentity
}

// Identity returns the identity operations run as.
func (f *FS) Identity() fsxd.PosixIdentity { return f.id }

// do runs fn as the identity: on the caller's thread, locked and holding
// the identity's credentials in Kernel mode (runas.go), as is in
// UserSpace mode (fn then checks in Go). fn must only do path operations,
// never call do again, and never block on other goroutines; I/O on open
// fds belongs to the caller.
func (f *FS) do(ctx context.Context, fn func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !f.r.kernel {
		return fn()
	}
	return runAs(f.id, fn)
}

// File is an open regular file. The embedded *os.File keeps WriteTo, so
// io.Copy to a socket uses sendfile.
type File struct {
	*os.File
	Info
}

// dirFlag asks openat2 for a directory when the key is a directory key.
func dirFlag(p Path) int {
	if p.dir {
		return unix.O_DIRECTORY
	}
	return 0
}

// kindCheck rejects a directory under an object key, anything but a
// directory under a directory key, and non-regular files.
func kindCheck(p Path, st *unix.Stat_t) error {
	typ := st.Mode & unix.S_IFMT
	switch {
	case p.dir && typ != unix.S_IFDIR:
		return unix.ENOTDIR
	case p.dir:
		return nil
	case typ == unix.S_IFDIR:
		return unix.EISDIR
	case typ != unix.S_IFREG:
		return ErrNotRegular
	}
	return nil
}

// Stat describes the file (or, for a directory key, the directory) at p.
// A directory under an object key is ErrIsDir; a FIFO, socket or device is
// ErrNotRegular. Like ls -l it needs search permission on the directories
// only; Info.Meta is nil if the identity cannot read the file. A HEAD
// that must enforce read permission uses Open (and Close) instead.
func (f *FS) Stat(ctx context.Context, p Path) (Info, error) {
	var in Info
	err := f.do(ctx, func() error {
		fd, st, err := f.resolve(p, unix.O_PATH|dirFlag(p))
		if err != nil {
			return err
		}
		defer unix.Close(fd)
		in = f.info(p.String(), fd, "", &st)
		return nil
	})
	return in, wrap("stat", p.String(), err)
}

// resolve opens p beneath the root with flags and checks its kind.
func (f *FS) resolve(p Path, flags int) (int, unix.Stat_t, error) {
	var st unix.Stat_t
	if err := p.check(); err != nil {
		return -1, st, err
	}
	if err := f.userSearch(p); err != nil {
		return -1, st, err
	}
	fd, err := openBeneath(f.r.fd, p.rel, flags, 0, beneath)
	if err != nil {
		return -1, st, err
	}
	if err = unix.Fstat(fd, &st); err == nil {
		err = kindCheck(p, &st)
	}
	if err != nil {
		unix.Close(fd)
		return -1, st, err
	}
	return fd, st, nil
}

// Open opens the regular file at p for reading. It resolves p to an
// O_PATH fd, checks the type on that fd, and only then opens the file
// itself, through the fd's /proc link (the same inode, whatever happens
// to the name meanwhile): a FIFO, socket or device is never opened, so it
// can neither block nor set off a driver's open (a tape rewinding, a
// watchdog arming).
func (f *FS) Open(ctx context.Context, p Path) (*File, error) {
	if p.dir {
		return nil, wrap("open", p.String(), unix.EISDIR)
	}
	var fd int
	var in Info
	err := f.do(ctx, func() error {
		pfd, st, err := f.resolve(p, unix.O_PATH)
		if err != nil {
			return err
		}
		defer unix.Close(pfd)
		if err := f.userCheck(pfd, "", unix.R_OK); err != nil {
			return err
		}
		if fd, err = unix.Open(procPath(pfd, ""), unix.O_RDONLY|unix.O_NOCTTY|unix.O_CLOEXEC, 0); err != nil {
			return err
		}
		in = f.info(p.String(), fd, "", &st)
		return nil
	})
	if err != nil {
		return nil, wrap("open", p.String(), err)
	}
	return &File{File: os.NewFile(uintptr(fd), p.String()), Info: in}, nil
}

// CheckAccess reports whether the identity may read p (write false), or
// create or replace it (write true: search and write on the deepest
// existing directory above p, and mayReplace on p itself). Multipart
// uploads call it before accepting parts.
func (f *FS) CheckAccess(ctx context.Context, p Path, write bool) error {
	err := f.do(ctx, func() error {
		if !write {
			fd, _, err := f.resolve(p, unix.O_PATH|dirFlag(p))
			if err != nil {
				return err
			}
			defer unix.Close(fd)
			return f.access(fd, "", unix.R_OK)
		}
		return f.mayWriteKey(p)
	})
	return wrap("access", p.String(), err)
}

func (f *FS) mayWriteKey(p Path) error {
	if err := f.r.guard(p.rel); err != nil {
		return err
	}
	if err := f.userSearch(p); err != nil {
		return err
	}
	comps := p.parentComps()
	for n := len(comps); n >= 0; n-- {
		rel := strings.Join(comps[:n], "/")
		if rel == "" {
			rel = "."
		}
		fd, err := f.r.openPath(rel, unix.O_DIRECTORY)
		if err == unix.ENOENT {
			continue
		}
		if err != nil {
			return err
		}
		defer unix.Close(fd)
		if err := f.access(fd, "", unix.W_OK|unix.X_OK); err != nil || n < len(comps) {
			return err // n < len(comps): the missing directories get made here
		}
		if p.dir {
			return f.mayReplaceDir(fd, p.Base())
		}
		return f.mayReplace(fd, p.Base())
	}
	return unix.ENOENT
}
