package bench

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/sys/unix"
)

// The raw file-system ceilings: the same work with plain Go on the same
// disk, no HTTP, no S3, at the same concurrency. What fsxd does on top of
// this (hashing, metadata, permissions, HTTP) is its overhead.

// writeDurably is what a durable PUT must at least do: write a temporary
// file, fsync it, rename it into place and fsync the directory, so that
// both the data and the name survive power loss (as fsxd's PUT does).
func writeDurably(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := writeSynced(tmp, data); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	return syncDir(filepath.Dir(path))
}

// syncDir makes the entries of dir durable. Without it a renamed or
// unlinked name may not survive power loss (on ext4 without a journal,
// at all).
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// writeSynced creates path holding data, fsynced: a PUT's temporary file,
// and what fsxd's objects are when a DELETE meets them.
func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func rawPut(dir string, size int64, per int) *Job {
	data := payload(size)
	return &Job{
		Setup: func(context.Context) error { return os.MkdirAll(dir, 0o755) },
		Op: func(_ context.Context, _, w, i int) (int64, error) {
			return size, writeDurably(filepath.Join(dir, fmt.Sprintf("w%02d-k%02d", w, i%per)), data)
		},
	}
}

// rawFiles creates n files of size bytes (setup: no fsync needed).
func rawFiles(dir string, n int, size int64) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i := range n {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("obj%02d", i)), payload(size), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func rawGet(dir string, size int64, n int) *Job {
	return &Job{
		Setup: func(context.Context) error { return rawFiles(dir, n, size) },
		Op: func(_ context.Context, _, w, i int) (int64, error) {
			f, err := os.Open(filepath.Join(dir, fmt.Sprintf("obj%02d", (w+i)%n)))
			if err != nil {
				return 0, err
			}
			defer f.Close()
			buf := discardBufs.Get().(*[256 * KiB]byte)
			defer discardBufs.Put(buf)
			got, err := io.CopyBuffer(struct{ io.Writer }{io.Discard}, struct{ io.Reader }{f}, buf[:])
			if err == nil && got != size {
				err = fmt.Errorf("read %d bytes, want %d", got, size)
			}
			return got, err
		},
	}
}

func rawStat(dir string, n int) *Job {
	return &Job{
		Setup: func(context.Context) error { return rawFiles(dir, n, 4*KiB) },
		Op: func(_ context.Context, _, w, i int) (int64, error) {
			_, err := os.Stat(filepath.Join(dir, fmt.Sprintf("obj%02d", (w+i)%n)))
			return 0, err
		},
	}
}

func rawUnlink(dir string) *Job {
	var p pool
	data := payload(4 * KiB)
	return &Job{
		Prepare: func(ctx context.Context, m Prep) error {
			d := filepath.Join(dir, fmt.Sprintf("c%d-r%d", m.Conc, m.Round))
			if err := os.MkdirAll(d, 0o755); err != nil {
				return err
			}
			err := p.fill(ctx, m.Budget, poolLimit, func(_ context.Context, i int) (string, error) {
				f := filepath.Join(d, fmt.Sprintf("k%06d", i))
				return f, writeSynced(f, data)
			})
			if err != nil {
				return err
			}
			return syncDir(d)
		},
		// A durable delete: the unlink, then the directory's fsync.
		Op: func(context.Context, int, int, int) (int64, error) {
			f, err := p.take()
			if err != nil {
				return 0, err
			}
			if err := os.Remove(f); err != nil {
				return 0, err
			}
			return 0, syncDir(filepath.Dir(f))
		},
	}
}

// rawWalk walks a tree laid out like the listing case's keys, in the
// sorted order a listing needs, and stats each file, since a listing
// reports every key's size and time (walkStat).
func rawWalk(dir string, n int) *Job {
	return &Job{
		Setup: func(ctx context.Context) error {
			return parallel(ctx, n, 8, func(_ context.Context, i int) error {
				p := filepath.Join(dir, filepath.FromSlash(listKey("t", n, i)))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					return err
				}
				return os.WriteFile(p, nil, 0o644)
			})
		},
		Op: func(context.Context, int, int, int) (int64, error) {
			got, err := walkStat(dir)
			if err == nil && got != n {
				err = fmt.Errorf("walked %d files, want %d", got, n)
			}
			return 0, err
		},
	}
}

// walkStat visits the files under dir in name order and stats each one
// relative to its directory's fd, the cheapest way plain Go has (no path
// walk per file, directory types from getdents), and returns how many
// it stat'ed.
func walkStat(dir string) (int, error) {
	d, err := os.Open(dir)
	if err != nil {
		return 0, err
	}
	defer d.Close()
	ents, err := d.ReadDir(-1)
	if err != nil {
		return 0, err
	}
	slices.SortFunc(ents, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	n, fd := 0, int(d.Fd())
	for _, e := range ents {
		if e.IsDir() {
			m, err := walkStat(filepath.Join(dir, e.Name()))
			if n += m; err != nil {
				return n, err
			}
			continue
		}
		var st unix.Stat_t
		if err := unix.Fstatat(fd, e.Name(), &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// rawMultipart writes size bytes into one file in part-size pieces at
// their offsets, conc at a time, each piece fdatasync'ed before it counts
// (an UploadPart's 200 promises a durable part), then makes the file the
// object as a PUT does: fsync, rename, the directory's fsync. It is what
// a durable multipart upload must at least do; where fsxd keeps each
// part's record is its own cost.
func rawMultipart(dir string, size, part int64) *Job {
	data := payload(part)
	return &Job{
		Setup: func(context.Context) error { return os.MkdirAll(dir, 0o755) },
		Op: func(ctx context.Context, conc, _, _ int) (int64, error) {
			return size, writeInParts(ctx, filepath.Join(dir, "obj"), size, data, conc)
		},
	}
}

func writeInParts(ctx context.Context, path string, size int64, data []byte, conc int) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	part := int64(len(data))
	err = parallel(ctx, int((size+part-1)/part), conc, func(_ context.Context, i int) error {
		off := int64(i) * part
		if _, err := f.WriteAt(data[:min(part, size-off)], off); err != nil {
			return err
		}
		return unix.Fdatasync(int(f.Fd()))
	})
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(filepath.Dir(path))
}
