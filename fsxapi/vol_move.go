package fsxapi

import (
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/store"
)

// Renames and junction changes move directories. The move happens inside
// the store transaction, after every check has passed, so a refused update
// touches nothing; moves records what to put back if the commit fails.

type move struct{ from, to string }

type moves []move

func (m *moves) undo(s *Service) {
	for i := len(*m) - 1; i >= 0; i-- {
		mv := (*m)[i]
		if err := s.move(mv.to, mv.from); err != nil {
			s.cfg.Logger.Error("fsxapi: undo directory move", "from", mv.to, "to", mv.from, "err", err)
		}
	}
	*m = nil
}

// relocate moves v's directory to dir (when v owns its directory and it
// exists yet) and rewrites the Dir of volumes below it.
func (s *Service) relocate(v *fsxd.Volume, dir string, below []*fsxd.Volume, moved *moves) error {
	if v.Imported {
		return nil // the operator's tree stays where it is
	}
	old := v.Dir
	relOld, ok := confined(s.fsRoot(), old)
	if !ok {
		return fmt.Errorf("fsxapi: volume %s: directory %s is outside the data dir", v.ID, old)
	}
	exists, err := existsBeneath(s.fsRoot(), relOld)
	if err != nil {
		return err
	}
	if exists {
		if err := s.move(old, dir); err != nil {
			return err
		}
		*moved = append(*moved, move{old, dir})
	}
	v.Dir = dir
	for _, d := range below {
		if !d.Imported && within(old, d.Dir) {
			d.Dir = dir + strings.TrimPrefix(d.Dir, old)
		}
	}
	return nil
}

// move renames directory from to to, both below DataDir/fs, following no
// symlink on the way to either (beneath.go).
func (s *Service) move(from, to string) error {
	relFrom, ok1 := confined(s.fsRoot(), from)
	relTo, ok2 := confined(s.fsRoot(), to)
	if !ok1 || !ok2 {
		return fmt.Errorf("fsxapi: move %s to %s: outside the data dir", from, to)
	}
	return renameBeneath(s.fsRoot(), relFrom, relTo)
}

// renameOpenZFS renames a child volume: its directory, VolumePath, and the
// VolumePath and directory of everything below it.
func (s *Service) renameOpenZFS(tx *store.Tx, v *fsxd.Volume, cur *OpenZFSVolumeConfiguration, name string, moved *moves) error {
	if isRoot(v) {
		return badRequest("The root volume %s cannot be renamed.", v.ID)
	}
	if err := checkOpenZFSName(name); err != nil {
		return err
	}
	parent, err := volumes(tx).Get(v.ParentID)
	if err != nil {
		return err
	}
	if err := freeName(tx, parent, name, v.ID); err != nil {
		return err
	}
	all, err := fsVolumes(tx, v.FileSystemID)
	if err != nil {
		return err
	}
	below := descendants(all, v.ID)
	if err := s.relocate(v, filepath.Join(parent.Dir, name), below, moved); err != nil {
		return err
	}
	oldPath := val(cur.VolumePath)
	newPath := path.Join(path.Dir(oldPath), name)
	cur.VolumePath = ptr(newPath)
	v.Name = name
	for _, d := range below {
		if err := rewriteVolumePath(d, oldPath, newPath); err != nil {
			return err
		}
		if err := volumes(tx).Put(d.ID, d); err != nil {
			return err
		}
	}
	return nil
}

func rewriteVolumePath(d *fsxd.Volume, oldPath, newPath string) error {
	shape, err := unwire[Volume](d.Wire)
	if err != nil || shape.OpenZFSConfiguration == nil {
		return err
	}
	c := shape.OpenZFSConfiguration
	c.VolumePath = ptr(newPath + strings.TrimPrefix(val(c.VolumePath), oldPath))
	d.Wire, err = wire(shape)
	return err
}

// rejunction mounts an ONTAP volume at a new junction path, carrying the
// volumes mounted below the old one along.
func (s *Service) rejunction(tx *store.Tx, v *fsxd.Volume, junction string, moved *moves) error {
	if isRoot(v) {
		return badRequest("The junction path of root volume %s cannot change.", v.ID)
	}
	old := v.JunctionPath
	if old != "" && strings.HasPrefix(junction, old+"/") {
		return badRequest("JunctionPath %s is below the volume's own junction path %s.", junction, old)
	}
	svm, err := svms(tx).Get(v.SVMID)
	if err != nil {
		return err
	}
	siblings, _, err := volumes(tx).List("", 0, func(o *fsxd.Volume) bool { return o.SVMID == v.SVMID && o.ID != v.ID })
	if err != nil {
		return err
	}
	if err := checkJunction(svm, siblings, junction, v.ID); err != nil {
		return err
	}
	var below []*fsxd.Volume
	for _, o := range siblings {
		if old != "" && strings.HasPrefix(o.JunctionPath, old+"/") {
			o.JunctionPath = junction + strings.TrimPrefix(o.JunctionPath, old)
			below = append(below, o)
		}
	}
	if err := s.relocate(v, ontapVolumeDir(svm.Dir, junction, v.ID), below, moved); err != nil {
		return err
	}
	v.JunctionPath = junction
	for _, o := range below {
		if err := volumes(tx).Put(o.ID, o); err != nil {
			return err
		}
	}
	return nil
}
