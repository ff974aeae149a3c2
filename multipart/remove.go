package multipart

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

const (
	tempDirPrefix  = ".tmp-"
	trashDirPrefix = ".trash-"
)

// TempGrace is how long a temporary file may go unmodified before a sweep
// takes it for a crashed writer's. A live writer touches its file with
// every write, and an HTTP server times out a stalled client long before
// this.
const TempGrace = time.Hour

// Remove deletes upload id and its parts, for Complete and Abort. The
// directory is first renamed to a trash name, which is the atomic step:
// from then on the upload is gone for every node and late PutParts fail.
func (s *Store) Remove(id string) error {
	if !validID(id) {
		return ErrNoSuchUpload
	}
	trash := filepath.Join(s.dir, trashDirPrefix+randName())
	err := os.Rename(s.uploadDir(id), trash)
	if errors.Is(err, fs.ErrNotExist) {
		return ErrNoSuchUpload
	}
	if err != nil {
		return fmt.Errorf("multipart: %w", err)
	}
	s.mu.Lock()
	delete(s.slotSizes, id)
	s.mu.Unlock()
	if err := syncDir(s.dir); err != nil {
		return fmt.Errorf("multipart: %w", err)
	}
	// The upload is gone once renamed; a failure to delete the trash is
	// not the caller's problem, and the next sweep retries.
	os.RemoveAll(trash)
	return nil
}

// Expire removes uploads initiated before olderThan (S3's
// AbortIncompleteMultipartUpload), completion records written before
// olderThan, and what crashed writers left: trash, and temporary files
// untouched for TempGrace. It returns how many uploads
// it removed. Several nodes may expire at once.
func (s *Store) Expire(olderThan time.Time) (int, error) {
	ents, err := os.ReadDir(s.dir)
	if err != nil {
		return 0, fmt.Errorf("multipart: %w", err)
	}
	n := 0
	for _, e := range ents {
		t, ok := idTime(e.Name())
		if !ok || !t.Before(olderThan) {
			continue
		}
		switch err := s.Remove(e.Name()); {
		case err == nil:
			n++
		case !errors.Is(err, ErrNoSuchUpload): // another node got there first
			return n, err
		}
	}
	stale := s.Now().Add(-TempGrace)
	s.expireCompleted(olderThan, stale)
	return n, s.sweep(stale)
}

// sweep removes trash, and temporary uploads and parts last modified
// before stale.
func (s *Store) sweep(stale time.Time) error {
	ents, err := os.ReadDir(s.dir)
	if err != nil {
		return fmt.Errorf("multipart: %w", err)
	}
	live := map[string]bool{}
	for _, e := range ents {
		name := e.Name()
		path := filepath.Join(s.dir, name)
		switch {
		case strings.HasPrefix(name, trashDirPrefix):
			os.RemoveAll(path)
		case strings.HasPrefix(name, tempDirPrefix):
			removeIfStale(path, stale, os.RemoveAll)
		case validID(name):
			live[name] = true
			sweepParts(path, stale)
		}
	}
	s.forgetSlotSizes(live)
	return nil
}

// forgetSlotSizes drops the cached slot sizes of uploads not in live. A
// node's own Remove drops its entry, but an upload that took parts here
// and was completed, aborted or expired on another node would otherwise
// stay cached for the life of the process. One created since the listing
// only loses its cache entry: the size is read from disk again.
func (s *Store) forgetSlotSizes(live map[string]bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id := range s.slotSizes {
		if !live[id] {
			delete(s.slotSizes, id)
		}
	}
}

// sweepParts removes stale temporary parts in one upload directory.
func sweepParts(dir string, stale time.Time) {
	ents, _ := os.ReadDir(dir) // gone: nothing to sweep
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), partPrefix) && strings.Contains(e.Name(), tempPartInfix) {
			removeIfStale(filepath.Join(dir, e.Name()), stale, os.Remove)
		}
	}
}

// removeIfStale removes path if it was last modified before stale. Errors
// are ignored: another node may be sweeping too, and the next sweep
// retries.
func removeIfStale(path string, stale time.Time, remove func(string) error) {
	if fi, err := os.Lstat(path); err == nil && fi.ModTime().Before(stale) {
		remove(path)
	}
}
