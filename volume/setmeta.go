package volume

import (
	"context"

	"golang.org/x/sys/unix"
)

// SetMeta changes the Meta of the file (or directory object) at p in
// place, for tagging: update sees the current Meta, or a zero Meta when
// there is none or it is stale, and may return an error to change
// nothing. The identity needs write permission on the file. Stamp is
// refreshed; a file left without an ETag gets its SyntheticETag, so
// Info.Meta.ETag is never empty for files. The data, hence the ETag of
// valid Meta, is untouched.
func (f *FS) SetMeta(ctx context.Context, p Path, update func(m *Meta) error) (Info, error) {
	return f.SetMetaIf(ctx, p, nil, update)
}

// SetMetaIf is SetMeta that first calls check (unless nil) with what is
// at p, under the key's lock and, for a regular file, an flock held until
// the Meta is written (lockEntry), as Commit does for Cond.Check: a check
// and change on another node sharing the file system cannot interleave.
// check's error is returned as it is and changes nothing.
func (f *FS) SetMetaIf(ctx context.Context, p Path, check func(*Info) error, update func(m *Meta) error) (Info, error) {
	if err := f.r.guard(p.rel); err != nil {
		return Info{}, wrap("setmeta", p.String(), err) // the nested volume's own root
	}
	unlock := f.r.locks.Lock(p.rel)
	defer unlock()
	if check != nil {
		release, err := f.lockEntry(ctx, p)
		if err != nil {
			return Info{}, wrap("setmeta", p.String(), err)
		}
		defer release()
	}
	var fd int
	var st unix.Stat_t
	var in Info
	err := f.do(ctx, func() error {
		var err error
		if fd, st, err = f.resolve(p, unix.O_PATH|dirFlag(p)); err != nil {
			return err
		}
		if err := f.access(fd, "", unix.W_OK); err != nil {
			unix.Close(fd)
			return err
		}
		in = f.info(p.String(), fd, "", &st)
		return nil
	})
	if err != nil {
		return Info{}, wrap("setmeta", p.String(), err)
	}
	defer unix.Close(fd)
	if check != nil {
		if err := check(&in); err != nil {
			return Info{}, err
		}
	}
	// check and update are the caller's code: they run here, outside
	// runAs, never on a thread holding the identity's credentials.
	m, err := nextMeta(in, &st, update)
	if err != nil {
		return Info{}, err
	}
	if err := f.do(ctx, func() error { return f.putMeta(procPath(fd, ""), in.Dev, in.Ino, m) }); err != nil {
		return Info{}, wrap("setmeta", p.String(), err)
	}
	if err := f.syncMeta(fd); err != nil {
		return Info{}, wrap("setmeta", p.String(), err)
	}
	in.Meta = m
	return in, nil
}

// syncMeta makes an xattr just set on the file or directory behind the
// O_PATH fd durable (an acknowledged tagging survives power loss), unless
// Options.NoFsync. Like syncDir it opens the inode with the server's
// credentials, through the fd's /proc link: only regular files and
// directories get here, so nothing else is ever opened.
func (f *FS) syncMeta(fd int) error {
	if f.r.opts.NoFsync || f.r.md != nil {
		return nil // MetaDir entries are not fsynced: a lost one reads as no Meta
	}
	rfd, err := unix.Open(procPath(fd, ""), unix.O_RDONLY|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil // e.g. an unprivileged server without read there
	}
	defer unix.Close(rfd)
	return fsync(rfd)
}

// nextMeta applies update to a copy of in's Meta and restamps it.
func nextMeta(in Info, st *unix.Stat_t, update func(m *Meta) error) (*Meta, error) {
	m := &Meta{}
	if in.Meta != nil {
		*m = *in.Meta
	}
	if err := update(m); err != nil {
		return nil, err
	}
	m.Stamp = stampOf(st)
	if in.IsDir {
		m.Stamp = Stamp{Ino: st.Ino}
	} else if m.ETag == "" {
		m.ETag = SyntheticETag(in)
	}
	return m, nil
}
