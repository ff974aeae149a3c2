package multipart

// Slots: parts written in place. SDKs and the CLI upload one part size
// and a smaller last part, so part n's bytes can go straight to offset
// (n-1)*S of one file per upload, and CompleteMultipartUpload can adopt
// that file as the object instead of copying every byte (docs/decisions.md,
// "Multipart slots"). In the upload directory:
//
//	slotsize   S in decimal, fixed once by the first part of a known size
//	           of at least SlotMin to arrive; never changes
//	slots      the slot file: part n at (n-1)*S
//	slot-<n>   claim of slot n (empty): its one writer made it with O_EXCL
//	filled-<n> the claim once the part is recorded: no write in flight
//	sealed     a Complete is adopting the slot file: no new claims
//
// A part goes to its slot only when its size is known beforehand, equals
// S (or is smaller: a last part), nobody claimed the slot before, and no
// record of the number exists yet (a re-upload must not overwrite the
// bytes of the part it replaces, which S3 keeps until the new one
// succeeds). Anything else is a part file, as before. The part record
// (part-<n>) of a slot part holds only metadata, naming the slot.

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/fsxd/fsxd/internal/reap"
)

const (
	slotSizeName = "slotsize"
	slotFileName = "slots"
	slotPrefix   = "slot-"
	filledPrefix = "filled-"
	sealedName   = "sealed"
)

// DefaultSlotMin is S3's minimum size of every part but the last: a
// smaller part can only be a last part, and must not fix the slot size.
const DefaultSlotMin = 5 << 20

// maxSlotEnd bounds the slot file: S3's largest object (5 TiB), which
// ext4 (16 TiB a file with 4 KiB blocks) can hold. A part that would end
// beyond goes to a part file; Complete refuses such an object anyway.
const maxSlotEnd = 5 << 40

// slotClaim is a claimed slot about to be written.
type slotClaim struct {
	dir  string
	n    int
	off  int64
	size int64
}

func (c slotClaim) claimPath() string { return filepath.Join(c.dir, slotPrefix+strconv.Itoa(c.n)) }

// claimSlot claims slot n of upload id for a part of size bytes, or
// reports false: the part then goes to a part file.
func (s *Store) claimSlot(id string, n int, size int64) (slotClaim, bool) {
	if size <= 0 || s.SlotMin <= 0 {
		return slotClaim{}, false
	}
	dir := s.uploadDir(id)
	S, ok := s.slotSize(id, dir, size)
	if !ok || size > S || int64(n-1) > (maxSlotEnd-size)/S {
		return slotClaim{}, false
	}
	c := slotClaim{dir: dir, n: n, off: int64(n-1) * S, size: size}
	f, err := os.OpenFile(c.claimPath(), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return slotClaim{}, false // claimed before, or the upload is gone
	}
	f.Close()
	// After the claim: a Complete that sealed before it sees the claim, or
	// this sees the seal (slot.go: adoptable). A record of n means a
	// re-upload, or a claim a crash forgot.
	if exists(filepath.Join(dir, sealedName)) || exists(s.partPath(id, n)) {
		os.Remove(c.claimPath())
		return slotClaim{}, false
	}
	return c, true
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// slotSize returns upload id's slot size, fixing it as size if it is not
// fixed yet and size may be one.
func (s *Store) slotSize(id, dir string, size int64) (int64, bool) {
	s.mu.Lock()
	S, ok := s.slotSizes[id]
	s.mu.Unlock()
	if ok {
		return S, true
	}
	S, err := readSlotSize(dir)
	if errors.Is(err, fs.ErrNotExist) && size >= s.SlotMin {
		S, err = fixSlotSize(dir, size)
	}
	if err != nil {
		return 0, false
	}
	s.mu.Lock()
	s.slotSizes[id] = S
	s.mu.Unlock()
	return S, true
}

func readSlotSize(dir string) (int64, error) {
	b, err := os.ReadFile(filepath.Join(dir, slotSizeName))
	if err != nil {
		return 0, err
	}
	S, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil || S <= 0 {
		return 0, fmt.Errorf("multipart: %s: corrupt %s", dir, slotSizeName)
	}
	return S, nil
}

// fixSlotSize records size as the slot size unless another writer got
// there first, and returns the one recorded. The file is synced before
// its link publishes it and the directory after: a slot size that a crash
// forgot would let a new one lay slots over recorded parts.
func fixSlotSize(dir string, size int64) (int64, error) {
	tmp := filepath.Join(dir, slotSizeName+tempPartInfix+randName())
	if err := writeFileSync(tmp, []byte(strconv.FormatInt(size, 10))); err != nil {
		os.Remove(tmp)
		return 0, err
	}
	err := os.Link(tmp, filepath.Join(dir, slotSizeName))
	os.Remove(tmp)
	if errors.Is(err, fs.ErrExist) {
		return readSlotSize(dir)
	}
	if err == nil {
		err = syncDir(dir)
	}
	return size, err
}

// putSlot writes the part to its claimed slot and records it. The claim
// is given up if the part fails before its record could be published,
// and kept (if its record is, whatever the error) otherwise.
func (s *Store) putSlot(id string, c slotClaim, src io.Reader, sums func() PartSums, as func(func() error) error) (Part, error) {
	p, err := s.writeSlot(c, src, sums, as)
	if err != nil {
		os.Remove(c.claimPath())
		return Part{}, err
	}
	p.Path, p.Offset, p.InSlot = filepath.Join(c.dir, slotFileName), c.off, true
	if err := s.recordSlot(id, p); err != nil {
		return Part{}, err
	}
	// The claim stays, as filled: a writer that claims again then finds
	// the record and gives up, and Complete knows no write is in flight.
	os.Rename(c.claimPath(), filepath.Join(c.dir, filledPrefix+strconv.Itoa(c.n)))
	return p, nil
}

// writeSlot streams exactly c.size bytes of src to the slot and makes
// them durable.
func (s *Store) writeSlot(c slotClaim, src io.Reader, sums func() PartSums, as func(func() error) error) (Part, error) {
	f, err := os.OpenFile(filepath.Join(c.dir, slotFileName), os.O_WRONLY|os.O_CREATE, 0o600)
	if errors.Is(err, fs.ErrNotExist) {
		return Part{}, ErrNoSuchUpload
	}
	if err != nil {
		return Part{}, fmt.Errorf("multipart: %w", err)
	}
	defer f.Close()
	w := &slotWriter{f: f, off: c.off, end: c.off + c.size, as: as}
	buf := copyBufs.Get().(*[]byte)
	size, err := copyFull(w, src, *buf)
	copyBufs.Put(buf)
	if err == nil && size != c.size {
		err = fmt.Errorf("got %d bytes of %d", size, c.size)
	}
	if err == nil {
		err = syncRange(f, c.off, c.size)
	}
	if err != nil {
		return Part{}, fmt.Errorf("multipart: part %d: %w", c.n, err)
	}
	ps := sums()
	return Part{Number: c.n, Size: size, ETag: ps.ETag, Checksums: ps.Checksums, Modified: s.Now()}, nil
}

// syncRange makes the slot's bytes durable: the range written back and
// waited for, then fdatasync for the blocks' allocation (and whatever of
// other slots is dirty by then).
func syncRange(f *os.File, off, n int64) error {
	fd := int(f.Fd())
	err := unix.SyncFileRange(fd, off, n, unix.SYNC_FILE_RANGE_WAIT_BEFORE|unix.SYNC_FILE_RANGE_WRITE|unix.SYNC_FILE_RANGE_WAIT_AFTER)
	if err != nil && err != unix.ENOSYS && err != unix.EINVAL {
		return err
	}
	return unix.Fdatasync(fd)
}

// slotWriter writes at increasing offsets of a slot, never past its end.
type slotWriter struct {
	f        *os.File
	off, end int64
	as       func(func() error) error
}

var errSlotFull = errors.New("part longer than announced")

func (w *slotWriter) Write(b []byte) (int, error) {
	if int64(len(b)) > w.end-w.off {
		return 0, errSlotFull
	}
	return reap.Write(b, w.writeAt)
}

// writeAt writes b at the slot's offset and advances it by what it wrote.
func (w *slotWriter) writeAt(b []byte) (n int, err error) {
	write := func() error {
		n, err = w.f.WriteAt(b, w.off)
		w.off += int64(n)
		return err
	}
	if w.as != nil {
		err = w.as(write)
	} else {
		err = write()
	}
	return n, err
}

// recordSlot publishes the record of a slot part: metadata only.
func (s *Store) recordSlot(id string, p Part) error {
	final := s.partPath(id, p.Number)
	tmp := final + tempPartInfix + randName()
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return ErrNoSuchUpload
		}
		return fmt.Errorf("multipart: %w", err)
	}
	err = writeTrailer(f, p)
	if err == nil {
		err = unix.Fdatasync(int(f.Fd()))
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		return commitPart(tmp, final)
	}
	os.Remove(tmp)
	return fmt.Errorf("multipart: part %d: %w", p.Number, err)
}
