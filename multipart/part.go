package multipart

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/fsxd/fsxd/internal/reap"
)

// Part is one uploaded part.
type Part struct {
	Number int
	Size   int64
	ETag   string // hex MD5, unquoted
	// Checksums maps checksum.Algorithm names to base64 values.
	Checksums map[string]string
	Modified  time.Time
	// Path names the staged file, whose Size bytes from Offset are the
	// part's data. A part file has its metadata after them; a slot part
	// (InSlot) is in the upload's slot file, its metadata in a record.
	Path   string
	Offset int64
	InSlot bool
}

// PartSums is what the caller computed while PutPart streamed the part.
type PartSums struct {
	ETag      string
	Checksums map[string]string
}

const (
	partPrefix    = "part-"
	tempPartInfix = ".tmp-"
	copyBufSize   = 256 << 10
)

var copyBufs = sync.Pool{New: func() any { b := make([]byte, copyBufSize); return &b }}

func partName(n int) string { return partPrefix + strconv.Itoa(n) }

// parsePartName accepts exactly the names partName makes.
func parsePartName(name string) (int, bool) {
	s, ok := strings.CutPrefix(name, partPrefix)
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > MaxPartNumber || strconv.Itoa(n) != s {
		return 0, false
	}
	return n, true
}

// PutPart stores part n of upload id, streaming src to disk, and returns
// it. sums is called once src is at EOF: the caller hashes while PutPart
// reads. A part uploaded again under the same number replaces the earlier
// one whole; concurrent uploads of one number end with one of them whole.
func (s *Store) PutPart(id string, n int, src io.Reader, sums func() PartSums) (Part, error) {
	return s.PutPartAs(id, n, src, sums, nil)
}

// PutPartAs is PutPart with each write of the part's data run by as (nil:
// directly). The caller runs it with the uploading identity's credentials,
// which decide how much of the file system a write may fill (ext4's
// root-reserved blocks): the file itself stays the server's.
func (s *Store) PutPartAs(id string, n int, src io.Reader, sums func() PartSums, as func(func() error) error) (Part, error) {
	return s.PutPartSized(id, n, -1, src, sums, as)
}

// PutPartSized is PutPartAs for a part whose size is announced (size < 0:
// unknown): src must then yield exactly size bytes. A part of known size
// may be written in place, in the upload's slot file (slot.go).
func (s *Store) PutPartSized(id string, n int, size int64, src io.Reader, sums func() PartSums, as func(func() error) error) (Part, error) {
	if !validID(id) {
		return Part{}, ErrNoSuchUpload
	}
	if n < 1 || n > MaxPartNumber {
		return Part{}, ErrPartNumber
	}
	if c, ok := s.claimSlot(id, n, size); ok {
		return s.putSlot(id, c, src, sums, as)
	}
	final := s.partPath(id, n)
	tmp := final + tempPartInfix + randName()
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrNotExist) {
		return Part{}, ErrNoSuchUpload
	}
	if err != nil {
		return Part{}, fmt.Errorf("multipart: %w", err)
	}
	p, err := s.writePart(f, writeAs{f, as}, n, src, sums)
	if err == nil {
		err = commitPart(tmp, final)
	}
	if err != nil {
		os.Remove(tmp)
		return Part{}, err
	}
	p.Path = final
	return p, nil
}

// writePart fills and closes f: data (written through w), then
// metadata, then sync.
func (s *Store) writePart(f *os.File, w io.Writer, n int, src io.Reader, sums func() PartSums) (Part, error) {
	p, err := s.fillPart(f, w, n, src, sums)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("multipart: part %d: %w", n, cerr)
	}
	return p, err
}

func (s *Store) fillPart(f *os.File, w io.Writer, n int, src io.Reader, sums func() PartSums) (Part, error) {
	buf := copyBufs.Get().(*[]byte)
	size, err := copyFull(w, src, *buf)
	copyBufs.Put(buf)
	if err != nil {
		return Part{}, fmt.Errorf("multipart: part %d: %w", n, err)
	}
	ps := sums()
	p := Part{Number: n, Size: size, ETag: ps.ETag, Checksums: ps.Checksums, Modified: s.Now()}
	if err := writeTrailer(f, p); err != nil {
		return Part{}, fmt.Errorf("multipart: part %d: %w", n, err)
	}
	// Data and size must be on disk before the rename publishes them.
	if err := unix.Fdatasync(int(f.Fd())); err != nil {
		return Part{}, fmt.Errorf("multipart: part %d: %w", n, err)
	}
	return p, nil
}

// copyFull copies src to w, filling buf before each write: a write run
// by PutPartAs's as costs a credential switch, and src (a network body)
// may return a few KiB per read.
func copyFull(w io.Writer, src io.Reader, buf []byte) (int64, error) {
	var size int64
	for {
		n, err := fill(src, buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return size, werr
			}
			size += int64(n)
		}
		if err == io.EOF {
			return size, nil
		}
		if err != nil {
			return size, err
		}
	}
}

// fill reads into buf until it is full or src fails; unlike io.ReadFull
// it returns src's io.EOF (and any other error) as it is.
func fill(src io.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := src.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// writeAs writes to f through as (nil: directly); a write that finds
// the file system full while reap holds space waits for it once.
type writeAs struct {
	f  *os.File
	as func(func() error) error
}

func (w writeAs) Write(b []byte) (int, error) {
	return reap.Write(b, w.write)
}

func (w writeAs) write(b []byte) (n int, err error) {
	if w.as == nil {
		return w.f.Write(b)
	}
	err = w.as(func() (err error) {
		n, err = w.f.Write(b)
		return err
	})
	return n, err
}

// commitPart renames the finished temporary file over the part, which is
// atomic, and makes the rename durable. Both fail with ErrNoSuchUpload if
// the upload was removed meanwhile, since Remove renames the directory
// these paths go through.
func commitPart(tmp, final string) error {
	err := os.Rename(tmp, final)
	if err == nil {
		err = syncDir(dirOf(final))
	}
	if errors.Is(err, fs.ErrNotExist) {
		return ErrNoSuchUpload
	}
	if err != nil {
		return fmt.Errorf("multipart: %w", err)
	}
	return nil
}

func dirOf(path string) string { return path[:strings.LastIndexByte(path, '/')] }
