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
		var dir string
		err := s.st.View(context.Background(), func(tx *store.Tx) error {
			snaps, _, err := store.Snapshots.In(tx).List("", 0, func(r *fsxd.Snapshot) bool {
				return r.VolumeID == volID && r.Name == name && r.Lifecycle == fsxd.Available
			})
			if len(snaps) > 0 {
				dir = snaps[0].Dir
			}
			return err
		})
		if err != nil {
			return nil, awserr.From(err, awserr.InternalError)
		}
		if dir == "" {
			return nil, awserr.NoSuchKey.Err("")
		}
		return s.cache.root(dir, opts)
	}
}
