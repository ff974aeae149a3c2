// Package multipart keeps the state of S3 multipart uploads on the file
// system, beside the volume they will land in: no database, so every fsxd
// node sharing the file system sees the same uploads, and they survive
// restarts.
//
// Layout under the staging directory:
//
//	<id>/upload.json          the Upload; never changes once created
//	<id>/part-<n>             part n: its bytes, then its metadata (part.go)
//	<id>/part-<n>.tmp-<rand>  a part being written
//	<id>/slots, slot-<n>, ...  parts written in place (slot.go)
//	.tmp-<rand>/              an upload being created
//	.trash-<rand>/            an upload being removed
//
// Every change is one rename, so a reader (on any node) sees a whole
// upload or none, and a whole part or the previous one, never a mix. What a
// crash leaves behind is only temporary names, which Open and Expire sweep.
// A part written in place (slot.go) is no exception: its bytes go to a
// slot no record names yet, and the rename of its record publishes it; a
// crash before leaves a claim and bytes nobody reads.
//
// Races: PutPart writes under the upload's directory by path, and Remove
// first renames that directory away. So a PutPart that finishes after
// Remove fails with ErrNoSuchUpload, and its bytes go with the trash. A
// PutPart that finishes before wins the race and is then removed with the
// upload. A Complete that has opened its parts (OpenParts) keeps reading
// them even if the upload is aborted meanwhile; the loser of two Removes
// gets ErrNoSuchUpload.
package multipart

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/fsxd/fsxd/internal/keylock"
)

var (
	// ErrNoSuchUpload: the ID is malformed, unknown, or its upload was
	// completed or aborted.
	ErrNoSuchUpload = errors.New("no such upload")
	// ErrNoSuchPart: a part asked for by number was never uploaded.
	ErrNoSuchPart = errors.New("no such part")
	// ErrPartNumber: part numbers run from 1 to MaxPartNumber.
	ErrPartNumber = errors.New("part number out of range")
)

// MaxPartNumber is S3's limit.
const MaxPartNumber = 10000

// Store is the multipart state in one staging directory. It must be on the
// same file system as the volume, so parts can be copied in-kernel (or
// reflinked) into the final object. Any number of Stores, in one process
// or on several nodes, may share a directory.
type Store struct {
	dir string
	// Now is the clock for part times and for uploads created without an
	// Initiated time. Set it before use, if at all.
	Now func() time.Time
	// SlotMin is the least part size that may fix an upload's slot size
	// (slot.go); 0 turns slots off. Set it before use, if at all.
	SlotMin int64

	mu        sync.Mutex
	cache     map[string]Upload // upload.json never changes: safe to cache
	slotSizes map[string]int64  // nor does slotsize
	ends      keylock.Set       // EndLock
}

// Open opens (creating, mode 0700) the staging directory dir and sweeps
// what crashed writers left there.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("multipart: %w", err)
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("multipart: %s is not a directory", dir)
	}
	s := &Store{dir: dir, Now: time.Now, SlotMin: DefaultSlotMin,
		cache: map[string]Upload{}, slotSizes: map[string]int64{}}
	if err := s.sweep(s.Now().Add(-TempGrace)); err != nil {
		return nil, err
	}
	return s, nil
}

// uploadDir is where upload id lives; id must have passed validID.
func (s *Store) uploadDir(id string) string { return filepath.Join(s.dir, id) }

func (s *Store) partPath(id string, n int) string {
	return filepath.Join(s.dir, id, partName(n))
}
