package accesspoint

import (
	"context"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/store"
	"github.com/fsxd/fsxd/volume"
)

// snapshotRoots serves an OpenZFS volume's .zfs/snapshot/<name>/ keys
// (s3api/snapdir.go): the AVAILABLE snapshot of that name, read afresh
// from the store on each request so a renamed or deleted snapshot stops
// answering at once. Its copy is opened with the volume's options, and
// the data plane reads it as the access point's identity.
func (s *Service) snapshotRoots(vol *fsxd.Volume, opts volume.Options) func(string) (*volume.Root, error) {
	volID := vol.ID
	return func(name string) (*volume.Root, error) {
		snaps, err := s.availableSnapshots(volID, name)
		if err != nil {
			return nil, err
		}
		if len(snaps) == 0 {
			return nil, awserr.NoSuchKey.Err("")
		}
		return s.cache.root(snaps[0].Dir, opts)
	}
}

// snapshotNames lists the names under .zfs/snapshot/ (s3api/snaplist.go).
func (s *Service) snapshotNames(vol *fsxd.Volume) func() ([]string, error) {
	volID := vol.ID
	return func() ([]string, error) {
		snaps, err := s.availableSnapshots(volID, "")
		names := make([]string, len(snaps))
		for i, r := range snaps {
			names[i] = r.Name
		}
		return names, err
	}
}

// availableSnapshots are the volume's AVAILABLE snapshots, or the one
// named name when it is not "".
func (s *Service) availableSnapshots(volID, name string) ([]*fsxd.Snapshot, error) {
	var snaps []*fsxd.Snapshot
	err := s.st.View(context.Background(), func(tx *store.Tx) error {
		var err error
		snaps, _, err = store.Snapshots.In(tx).List("", 0, func(r *fsxd.Snapshot) bool {
			return r.VolumeID == volID && (name == "" || r.Name == name) && r.Lifecycle == fsxd.Available
		})
		return err
	})
	if err != nil {
		return nil, awserr.From(err, awserr.InternalError)
	}
	return snaps, nil
}
