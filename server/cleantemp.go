package server

import (
	"context"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/store"
	"github.com/fsxd/fsxd/volume"
)

// cleanTemp removes from every volume the hidden temp files of writes a
// crash cut short (volume.CleanTempDir). It runs at start and then
// hourly, in the background: live writers, of this node or of another
// sharing the volumes, hold a lock on theirs and are skipped.
func (s *Server) cleanTemp(ctx context.Context) error {
	var vols []*fsxd.Volume
	err := s.store.View(ctx, func(tx *store.Tx) error {
		var err error
		vols, _, err = store.Volumes.In(tx).List("", 0, nil)
		return err
	})
	if err != nil {
		return err
	}
	for _, v := range vols {
		if ctx.Err() != nil {
			return nil
		}
		if v.Dir == "" || v.Lifecycle != fsxd.Available && v.Lifecycle != fsxd.Created {
			continue
		}
		if err := volume.CleanTempDir(v.Dir); err != nil {
			s.log.Warn("cleaning temp files", "volume", v.ID, "dir", v.Dir, "err", err)
		}
	}
	return nil
}
