package multipart

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
	"unicode/utf8"
)

// Upload is one multipart upload in progress.
type Upload struct {
	ID          string
	AccessPoint string
	Key         string
	Initiated   time.Time
	// Meta is the s3api's metadata for the final object, kept verbatim.
	Meta json.RawMessage
	// ChecksumAlgorithm is a checksum.Algorithm name or "".
	ChecksumAlgorithm string
	// ChecksumType is COMPOSITE or FULL_OBJECT ("" picks S3's default for
	// the algorithm; see Combine).
	ChecksumType string
	Owner        string
}

// uploadFile is upload.json. It is a disk format: add fields, never change
// or drop them (testdata/v1 must keep loading).
type uploadFile struct {
	Version           int             `json:"v"`
	ID                string          `json:"id"`
	AccessPoint       string          `json:"accessPoint"`
	Key               string          `json:"key"`
	Initiated         time.Time       `json:"initiated"`
	Owner             string          `json:"owner,omitempty"`
	ChecksumAlgorithm string          `json:"checksumAlgorithm,omitempty"`
	ChecksumType      string          `json:"checksumType,omitempty"`
	Meta              json.RawMessage `json:"meta,omitempty"`
}

const uploadJSON = "upload.json"

// Create records a new upload and returns it with its ID. A zero Initiated
// is set from s.Now.
//
// The upload is built in a temporary directory that is renamed into place
// once upload.json is on disk: no reader ever sees a directory without its
// upload.json, or a half-written one.
func (s *Store) Create(u Upload) (Upload, error) {
	if !utf8.ValidString(u.Key) {
		// JSON would silently replace the invalid bytes.
		return Upload{}, fmt.Errorf("multipart: key is not UTF-8")
	}
	if u.Initiated.IsZero() {
		u.Initiated = s.Now()
	}
	u.ID = newID(u.Initiated)
	b, err := encodeUpload(u)
	if err != nil {
		return Upload{}, fmt.Errorf("multipart: %w", err)
	}
	if err := s.publish(u.ID, b); err != nil {
		return Upload{}, fmt.Errorf("multipart: create: %w", err)
	}
	return u, nil
}

func encodeUpload(u Upload) ([]byte, error) {
	return json.Marshal(uploadFile{
		Version: 1, ID: u.ID, AccessPoint: u.AccessPoint, Key: u.Key,
		Initiated: u.Initiated, Owner: u.Owner, ChecksumAlgorithm: u.ChecksumAlgorithm,
		ChecksumType: u.ChecksumType, Meta: u.Meta,
	})
}

// publish writes upload.json into a fresh temporary directory and renames
// that to <id>, syncing each step so the rename is the commit point.
func (s *Store) publish(id string, uploadJSONBytes []byte) error {
	tmp := filepath.Join(s.dir, tempDirPrefix+randName())
	if err := os.Mkdir(tmp, 0o700); err != nil {
		return err
	}
	err := writeFileSync(filepath.Join(tmp, uploadJSON), uploadJSONBytes)
	if err == nil {
		err = syncDir(tmp)
	}
	if err == nil {
		err = os.Rename(tmp, s.uploadDir(id))
	}
	if err != nil {
		os.RemoveAll(tmp)
		return err
	}
	return syncDir(s.dir)
}

// Get returns the upload with this ID.
func (s *Store) Get(id string) (Upload, error) {
	if !validID(id) {
		return Upload{}, ErrNoSuchUpload
	}
	return s.read(id)
}

// Exists reports whether upload id is staged (neither completed, aborted
// nor expired), with one stat.
func (s *Store) Exists(id string) bool {
	if !validID(id) {
		return false
	}
	_, err := os.Stat(filepath.Join(s.uploadDir(id), uploadJSON))
	return err == nil
}

func (s *Store) read(id string) (Upload, error) {
	b, err := os.ReadFile(filepath.Join(s.uploadDir(id), uploadJSON))
	if errors.Is(err, fs.ErrNotExist) {
		return Upload{}, ErrNoSuchUpload
	}
	if err != nil {
		return Upload{}, fmt.Errorf("multipart: %w", err)
	}
	var f uploadFile
	if err := json.Unmarshal(b, &f); err != nil || f.ID != id {
		return Upload{}, fmt.Errorf("multipart: upload %s: corrupt %s", id, uploadJSON)
	}
	return Upload{
		ID: f.ID, AccessPoint: f.AccessPoint, Key: f.Key, Initiated: f.Initiated,
		Meta: f.Meta, ChecksumAlgorithm: f.ChecksumAlgorithm, ChecksumType: f.ChecksumType,
		Owner: f.Owner,
	}, nil
}
