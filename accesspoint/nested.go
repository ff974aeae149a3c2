package accesspoint

import (
	"path/filepath"
	"strings"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/store"
)

// nestedRoots are the directories of the other volumes of vol's file
// system that lie beneath vol's root (OpenZFS children and their
// children, ONTAP volumes junctioned below vol's junction), relative to
// vol.Dir. Volumes in every lifecycle count: one still CREATING must not
// find its name taken by a directory a parent's access point made.
func nestedRoots(tx *store.Tx, vol *fsxd.Volume) ([]string, error) {
	var rels []string
	_, _, err := volumes(tx).List("", 0, func(v *fsxd.Volume) bool {
		if v.ID == vol.ID || v.FileSystemID != vol.FileSystemID || v.Dir == "" {
			return false
		}
		if rel, ok := below(vol.Dir, v.Dir); ok {
			rels = append(rels, rel)
		}
		return false
	})
	return rels, err
}

// below returns path relative to root when it lies strictly beneath it.
func below(root, path string) (string, bool) {
	rel, err := filepath.Rel(root, path)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// replacedRoot is why a volume whose root directory is no longer the
// one it was created with cannot serve. It names the volume, not paths.
func replacedRoot(volID string) string {
	return "The root directory of volume " + volID + " was replaced: it is not the directory the volume was created with. Restore the original directory, or re-create the volume."
}
