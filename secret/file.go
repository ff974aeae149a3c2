package secret

// The master key file: 64 hex digits and a newline, mode 0600, created on
// first start. Hex rather than raw bytes so operators can copy it between
// nodes (or into a secret manager) as text.

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// LoadOrCreate returns the Box for the master key in path, creating the
// file with a fresh random key if it does not exist. Creation is atomic
// (write a temporary file, then link it into place), so two nodes starting
// at once on a shared directory end up with the same key. A file others
// may read or anyone but the owner and group may write is refused: the key
// is worth exactly as much as the store it protects.
func LoadOrCreate(path string) (*Box, error) {
	key, err := load(path)
	if errors.Is(err, fs.ErrNotExist) {
		key, err = create(path)
	}
	if err != nil {
		return nil, err
	}
	return New(key)
}

func load(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if perm := fi.Mode().Perm(); perm&0o027 != 0 {
		return nil, fmt.Errorf("secret: master key file %s has mode %04o; run chmod 600 on it", path, perm)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(string(bytes.TrimSpace(b)))
	if err != nil || len(key) != KeySize {
		return nil, fmt.Errorf("secret: master key file %s must hold %d hex digits", path, 2*KeySize)
	}
	return key, nil
}

func create(path string) ([]byte, error) {
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".master-key-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	// CreateTemp makes the file 0600 already; say so for the reader.
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, err
	}
	_, err = tmp.WriteString(hex.EncodeToString(key) + "\n")
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	// Link, unlike Rename, fails if path appeared meanwhile: then the
	// other node's key wins and we read it.
	if err := os.Link(tmp.Name(), path); errors.Is(err, fs.ErrExist) {
		return load(path)
	} else if err != nil {
		return nil, err
	}
	return key, nil
}
