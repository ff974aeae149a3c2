package volume

// Volume quotas (OpenZFS StorageCapacityQuotaGiB). A quota counts what
// `du -x --apparent-size` counts: the size of every regular file beneath
// the root on the root's file system, each inode once, nested (child)
// volumes included as ZFS counts descendants. Sizes, not blocks: the
// same objects use the same quota whatever the backing file system's
// block size, compression or sparseness. Walking a large volume is not
// free, so the total is cached; each accepted write adds its size to the
// cached total at once, and the total is walked again once it is older
// than twenty walks (at least two seconds). Deletes show up at the next
// walk: the estimate errs towards refusing.
//
// Parts of multipart uploads are staged outside the volume, so no walk
// sees them; they count against the quota all the same, from their
// admission (ReservePart) until the upload completes (ReserveComplete,
// which counts the object in their place) or is aborted (ReleaseParts),
// or, for an upload gone otherwise (expired, or ended by another node),
// until the next walk asks Quota.Staged. That count lives in this process
// only: a restart forgets it.

import (
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// Quota is a volume's quota as Reserve applies it.
type Quota struct {
	Bytes int64 // <= 0: none
	// Staged reports whether multipart upload id still exists (nil: keep
	// counting its parts until ReserveComplete or ReleaseParts).
	Staged func(id string) bool
}

// usage is a Root's cached apparent size.
type usage struct {
	mu     sync.Mutex
	bytes  int64
	at     time.Time        // when bytes was walked; zero: never
	cost   time.Duration    // how long that walk took
	parts  map[string]int64 // admitted part bytes by upload ID
	staged int64            // their sum
}

const minUsageAge = 2 * time.Second

// Reserve admits a write of n more bytes (n < 0: unknown, counted as 0)
// under quota q, returning ErrNoSpace
// when the volume's usage plus n would exceed it. An admitted n is added
// to the cached usage.
func (r *Root) Reserve(q Quota, n int64) error {
	return r.reserve(q, n, "", false)
}

// ReservePart admits n more bytes (n < 0: unknown, counted as 0) staged
// for a part of multipart upload id, as Reserve admits a file's.
func (r *Root) ReservePart(q Quota, n int64, id string) error {
	return r.reserve(q, n, id, false)
}

// ReserveComplete admits the n bytes of the object that upload id's
// completion writes, in place of the upload's part bytes.
func (r *Root) ReserveComplete(q Quota, n int64, id string) error {
	return r.reserve(q, n, id, true)
}

// ReleaseParts forgets the part bytes of upload id (aborted, expired).
func (r *Root) ReleaseParts(id string) {
	u := &r.use
	u.mu.Lock()
	defer u.mu.Unlock()
	u.release(id)
}

func (u *usage) release(id string) {
	u.staged -= u.parts[id]
	delete(u.parts, id)
}

// reserve admits n bytes: of a file (id ""), of a part of upload id, or
// of upload id's object in place of its parts (complete).
func (r *Root) reserve(q Quota, n int64, id string, complete bool) error {
	if q.Bytes <= 0 {
		return nil
	}
	n = max(n, 0)
	u := &r.use
	u.mu.Lock()
	defer u.mu.Unlock()
	if err := u.refresh(r, q.Staged); err != nil {
		return err
	}
	replaced := int64(0)
	if complete {
		replaced = u.parts[id]
	}
	if u.bytes+u.staged-replaced+n > q.Bytes {
		return ErrNoSpace
	}
	switch {
	case complete:
		u.release(id)
		u.bytes += n
	case id != "":
		if u.parts == nil {
			u.parts = map[string]int64{}
		}
		u.parts[id] += n
		u.staged += n
	default:
		u.bytes += n
	}
	return nil
}

// refresh walks the volume again once the cached total is old enough,
// and forgets the parts of uploads no longer staged.
func (u *usage) refresh(r *Root, staged func(string) bool) error {
	if !u.at.IsZero() && time.Since(u.at) <= max(minUsageAge, 20*u.cost) {
		return nil
	}
	start := time.Now()
	b, err := r.Usage()
	if err != nil {
		return err
	}
	for id := range u.parts {
		if staged != nil && !staged(id) {
			u.release(id)
		}
	}
	u.bytes, u.at, u.cost = b, time.Now(), time.Since(start)
	return nil
}

// Usage walks the volume, with the server's credentials, and returns the
// apparent size of its regular files. Directories it cannot read count
// as empty; symlinks are not followed; other file systems mounted
// beneath the root are not entered.
func (r *Root) Usage() (int64, error) {
	fd, err := openBeneath(r.fd, ".", unix.O_RDONLY|unix.O_DIRECTORY, 0, beneath)
	if err != nil {
		return 0, err
	}
	seen := map[uint64]bool{} // inodes with more than one link, counted once
	return duDir(fd, r.dev, seen), nil
}

// duDir sums the directory fd and closes it.
func duDir(fd int, dev uint64, seen map[uint64]bool) int64 {
	defer unix.Close(fd)
	var total int64
	var dirs []string
	eachName(fd, func(name string, typ uint8) {
		var st unix.Stat_t
		if unix.Fstatat(fd, name, &st, unix.AT_SYMLINK_NOFOLLOW) != nil || st.Dev != dev {
			return
		}
		switch st.Mode & unix.S_IFMT {
		case unix.S_IFDIR:
			dirs = append(dirs, name)
		case unix.S_IFREG:
			if st.Nlink > 1 {
				if seen[st.Ino] {
					return
				}
				seen[st.Ino] = true
			}
			total += st.Size
		}
	})
	for _, name := range dirs {
		if child, err := openChild(fd, name, unix.O_RDONLY|unix.O_DIRECTORY); err == nil {
			total += duDir(child, dev, seen)
		}
	}
	return total
}
