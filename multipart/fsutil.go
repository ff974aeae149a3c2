package multipart

import (
	"os"

	"github.com/fsxd/fsxd/internal/dirsync"
)

// writeFileSync creates path (which must not exist) with data, durably.
func writeFileSync(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
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

// syncDir makes renames and creations in dir durable: without it a crash
// may forget a rename whose file data was already synced. Concurrent
// parts of one upload share the directory's fsyncs (internal/dirsync).
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = dirsync.Group(int(d.Fd()), d.Sync)
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
