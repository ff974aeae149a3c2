package volume

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// TreeSum is a checksum of the tree at dir, for backups: SHA-256 over every
// entry in path order, each as its path, type and mode, owner, mtime, and
// its bytes (a regular file) or target (a symlink). Two trees with the
// same sum hold the same files with the same metadata, byte for byte.
func TreeSum(dir string) (string, error) {
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		st := fi.Sys().(*syscall.Stat_t)
		mtime := fi.ModTime().UnixNano()
		if fi.IsDir() {
			mtime = 0 // a directory's mtime moves as entries are made in it
		}
		fmt.Fprintf(h, "%q %o %d %d %d %d\n", rel, st.Mode, st.Uid, st.Gid, mtime, fi.Size()*boolInt(!fi.IsDir()))
		switch {
		case fi.Mode().IsRegular():
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = io.Copy(h, f)
			return err
		case fi.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			io.WriteString(h, target+"\n")
			return err
		}
		return nil
	})
	return hex.EncodeToString(h.Sum(nil)), err
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
