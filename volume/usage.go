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

import (
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// usage is a Root's cached apparent size.
type usage struct {
	mu    sync.Mutex
	bytes int64
	at    time.Time     // when bytes was walked; zero: never
	cost  time.Duration // how long that walk took
}

const minUsageAge = 2 * time.Second

// Reserve admits a write of n more bytes (n < 0: unknown, counted as 0)
// under a quota of quota bytes (quota <= 0: none), returning ErrNoSpace
// when the volume's usage plus n would exceed it. An admitted n is added
// to the cached usage.
func (r *Root) Reserve(quota, n int64) error {
	if quota <= 0 {
		return nil
	}
	n = max(n, 0)
	u := &r.use
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.at.IsZero() || time.Since(u.at) > max(minUsageAge, 20*u.cost) {
		start := time.Now()
		b, err := r.Usage()
		if err != nil {
			return err
		}
		u.bytes, u.at, u.cost = b, time.Now(), time.Since(start)
	}
	if u.bytes+n > quota {
		return ErrNoSpace
	}
	u.bytes += n
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
