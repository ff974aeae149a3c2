package multipart

// Completion records. S3 answers a CompleteMultipartUpload repeated after
// success (an SDK retrying after a timeout) with the first answer, so a
// completed upload leaves a small record behind:
//
//	.completed/<id>          the Completion, JSON
//	.completed/.tmp-<rand>   a record being written
//
// Records live in the staging directory, so every node sees them, and
// ExpireCompleted removes them once they are older than the upload
// expiry window.

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

const completedDir = ".completed"

// Completion is what a repeated CompleteMultipartUpload needs to answer
// as the first one did.
type Completion struct {
	ID          string `json:"id"`
	AccessPoint string `json:"accessPoint"`
	Key         string `json:"key"`
	// Parts are the part numbers and ETags (unquoted) the request named.
	Parts []CompletedPart `json:"parts"`
	Final Final           `json:"final"`
}

// CompletedPart is one entry of the completed part list.
type CompletedPart struct {
	Number int    `json:"n"`
	ETag   string `json:"etag"`
}

// SameParts reports whether parts is the list the upload was completed
// with: a retry, not a different request.
func (c Completion) SameParts(parts []CompletedPart) bool {
	return slices.Equal(c.Parts, parts)
}

// RecordCompletion stores c, replacing any earlier record of its upload
// (two racing Completes of one upload record the same outcome). Call it
// after the object is committed and before Remove, so that the upload is
// known, live or completed, at every moment.
func (s *Store) RecordCompletion(c Completion) error {
	if !validID(c.ID) {
		return ErrNoSuchUpload
	}
	b, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("multipart: %w", err)
	}
	dir := filepath.Join(s.dir, completedDir)
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("multipart: %w", err)
	}
	tmp := filepath.Join(dir, tempDirPrefix+randName())
	if err := writeFileSync(tmp, b); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("multipart: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, c.ID)); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("multipart: %w", err)
	}
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("multipart: %w", err)
	}
	return nil
}

// Completed returns the record of upload id, ErrNoSuchUpload if there is
// none (never completed, aborted, or completed too long ago).
func (s *Store) Completed(id string) (Completion, error) {
	if !validID(id) {
		return Completion{}, ErrNoSuchUpload
	}
	b, err := os.ReadFile(filepath.Join(s.dir, completedDir, id))
	if errors.Is(err, fs.ErrNotExist) {
		return Completion{}, ErrNoSuchUpload
	}
	if err != nil {
		return Completion{}, fmt.Errorf("multipart: %w", err)
	}
	var c Completion
	if err := json.Unmarshal(b, &c); err != nil || c.ID != id {
		return Completion{}, fmt.Errorf("multipart: completion %s: corrupt record", id)
	}
	return c, nil
}

// expireCompleted removes records written before olderThan, and
// temporary records untouched since stale.
func (s *Store) expireCompleted(olderThan, stale time.Time) {
	dir := filepath.Join(s.dir, completedDir)
	ents, _ := os.ReadDir(dir) // none yet: nothing to expire
	for _, e := range ents {
		path := filepath.Join(dir, e.Name())
		switch {
		case strings.HasPrefix(e.Name(), tempDirPrefix):
			removeIfStale(path, stale, os.Remove)
		case validID(e.Name()):
			removeIfStale(path, olderThan, os.Remove)
		}
	}
}
