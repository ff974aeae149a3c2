package multipart

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// PartError says which part a request named that cannot be used.
type PartError struct {
	Number int
	Err    error
}

func (e *PartError) Error() string { return fmt.Sprintf("part %d: %v", e.Number, e.Err) }
func (e *PartError) Unwrap() error { return e.Err }

// Parts lists the parts of upload id numbered above after, in order, at
// most max of them (max <= 0 means 1000), and whether more follow
// (ListParts).
func (s *Store) Parts(id string, after, max int) ([]Part, bool, error) {
	if max <= 0 {
		max = 1000
	}
	nums, err := s.partNumbers(id)
	if err != nil {
		return nil, false, err
	}
	i, _ := slices.BinarySearch(nums, after+1)
	nums = nums[i:]
	truncated := len(nums) > max
	nums = nums[:min(len(nums), max)]
	parts := make([]Part, 0, len(nums))
	for _, n := range nums {
		p, err := s.statPart(id, n)
		if err != nil {
			return nil, false, err
		}
		parts = append(parts, p)
	}
	return parts, truncated, nil
}

// partNumbers returns the numbers of the parts of id, sorted.
func (s *Store) partNumbers(id string) ([]int, error) {
	if !validID(id) {
		return nil, ErrNoSuchUpload
	}
	ents, err := os.ReadDir(s.uploadDir(id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNoSuchUpload
	}
	if err != nil {
		return nil, fmt.Errorf("multipart: %w", err)
	}
	var nums []int
	for _, e := range ents {
		if n, ok := parsePartName(e.Name()); ok {
			nums = append(nums, n)
		}
	}
	slices.Sort(nums)
	return nums, nil
}

func (s *Store) statPart(id string, n int) (Part, error) {
	f, p, err := s.openPart(id, n)
	if err != nil {
		return Part{}, err
	}
	f.Close()
	return p, nil
}

// openPart opens part n and reads its metadata from the same open file, so
// the two always belong together even while the part is being replaced.
func (s *Store) openPart(id string, n int) (*os.File, Part, error) {
	path := s.partPath(id, n)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		if _, serr := os.Stat(s.uploadDir(id)); serr != nil {
			return nil, Part{}, ErrNoSuchUpload
		}
		return nil, Part{}, &PartError{Number: n, Err: ErrNoSuchPart}
	}
	if err != nil {
		return nil, Part{}, fmt.Errorf("multipart: %w", err)
	}
	p, err := readTrailer(f)
	if err != nil || p.Number != n {
		f.Close()
		return nil, Part{}, corruptErr(path)
	}
	p.Path = path
	if p.InSlot {
		p.Path = filepath.Join(s.uploadDir(id), slotFileName)
	}
	return f, p, nil
}

// openData opens the file holding part p's data: f itself for a part
// file, else the slot file (and f is closed). A slot region, once
// recorded, is never written again.
func openData(f *os.File, p Part) (*os.File, error) {
	if !p.InSlot {
		return f, nil
	}
	f.Close()
	sf, err := os.Open(p.Path)
	if err != nil {
		return nil, fmt.Errorf("multipart: %w", err)
	}
	if fi, err := sf.Stat(); err != nil || fi.Size() < p.Offset+p.Size {
		sf.Close()
		return nil, corruptErr(p.Path)
	}
	return sf, nil
}

// OpenParts opens the named parts of upload id for reading, for
// CompleteMultipartUpload. Read only the Size bytes from Offset of each file.
// The files stay readable even if the upload is removed meanwhile. A
// missing part is a *PartError wrapping ErrNoSuchPart.
func (s *Store) OpenParts(id string, want []int) ([]*os.File, []Part, error) {
	if !validID(id) {
		return nil, nil, ErrNoSuchUpload
	}
	files := make([]*os.File, 0, len(want))
	parts := make([]Part, 0, len(want))
	for _, n := range want {
		f, p, err := s.openPart(id, n)
		if err == nil {
			f, err = openData(f, p)
		}
		if err != nil {
			closeAll(files)
			return nil, nil, err
		}
		files, parts = append(files, f), append(parts, p)
	}
	return files, parts, nil
}

func closeAll(files []*os.File) {
	for _, f := range files {
		f.Close()
	}
}
