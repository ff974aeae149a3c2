package fsxapi

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/importpath"
)

// The directory layout (see the package documentation). Paths are built
// here only.

func (s *Service) fsRoot() string { return fsRootIn(s.cfg.DataDir) }

func (s *Service) fsDir(fsID string) string { return fsDirIn(s.cfg.DataDir, fsID) }

func fsRootIn(dataDir string) string { return filepath.Join(dataDir, "fs") }

func fsDirIn(dataDir, fsID string) string { return filepath.Join(fsRootIn(dataDir), fsID) }

func openZFSRootDir(fsDir string) string { return filepath.Join(fsDir, "fsx") }

// OpenZFSRootVolumeDir is the directory of the root volume of OpenZFS
// file system fsID created by a server whose --data-dir is dataDir. It is
// exported for tools (the benchmark) that lay files out on the volume's
// disk directly; it is the path the server itself uses.
func OpenZFSRootVolumeDir(dataDir, fsID string) string {
	return openZFSRootDir(fsDirIn(dataDir, fsID))
}

func svmDir(fsDir, svmID string) string { return filepath.Join(fsDir, svmID) }

// ontapVolumeDir is where an ONTAP volume lives in its SVM's namespace.
func ontapVolumeDir(svmDir, junction, volID string) string {
	if junction == "" {
		return filepath.Join(svmDir, ".unmounted", volID)
	}
	return filepath.Join(svmDir, filepath.FromSlash(junction))
}

// Volume directories are world-writable like a fresh FSx for OpenZFS
// volume (root:root 0777), so any identity an access point uses can
// write; ONTAP volumes start 0755 like ONTAP's default unix-permissions.
const (
	openZFSDirMode = 0o777
	ontapDirMode   = 0o755
)

// makeDir creates a volume directory (and missing parents). An existing
// directory is kept as it is: it was imported, or made by a previous pass.
// Below DataDir/fs no symlink is followed on the way (beneath.go).
func (s *Service) makeDir(dir string, mode fs.FileMode) error {
	if rel, ok := confined(s.fsRoot(), dir); ok {
		return makeDirBeneath(s.fsRoot(), rel, mode)
	}
	fi, err := os.Stat(dir)
	if err == nil {
		if !fi.IsDir() {
			return fmt.Errorf("%s exists and is not a directory", dir)
		}
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.Chmod(dir, mode) // MkdirAll's mode is filtered by the umask
}

// removeDir deletes a directory tree that fsxd owns. Anything outside
// DataDir/fs is left alone, whatever the record says: a safety net for
// imported trees. A symlink on the way fails it (beneath.go).
func (s *Service) removeDir(dir string) error {
	rel, ok := confined(s.fsRoot(), dir)
	if dir == "" || !ok {
		return nil
	}
	return removeBeneath(s.fsRoot(), rel)
}

// within reports whether path is root or below it (lexically).
func within(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// importDir checks the fsxd:import-path tag, if any, against the
// operator's import roots and returns the directory to use as the volume
// ("" when the tag is absent).
func (s *Service) importDir(tags []Tag) (string, error) {
	path, ok := tagValue(tags, ImportTag)
	if !ok {
		return "", nil
	}
	dir, err := s.cfg.Imports.Check(path)
	var ie *importpath.Error
	if errors.As(err, &ie) {
		return "", awserr.BadRequest.Err("Tag %s=%q: %s.", ImportTag, path, ie.Reason)
	}
	return dir, err
}

// pathTaken reports whether something already exists at path.
func pathTaken(path string) bool {
	_, err := os.Lstat(path)
	return err == nil || !errors.Is(err, fs.ErrNotExist)
}

// volumeDirMode is the mode a new volume directory gets.
func volumeDirMode(v *fsxd.Volume) fs.FileMode {
	if v.Type == fsxd.TypeONTAP {
		return ontapDirMode
	}
	return openZFSDirMode
}
