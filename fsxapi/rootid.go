package fsxapi

import (
	"context"
	"errors"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/store"
	"github.com/fsxd/fsxd/volume"
)

// Root identities. A volume records the identity of its root directory
// (volume.DirID) when the directory is made or imported, so a health
// check can tell the volume's own root from a directory made again at
// its name. Volumes recorded before fsxd kept identities adopt the
// directory they have on the first reconcile pass that sees them: the
// best that can be known then.

// setVolumeLive moves a CREATING volume to next, recording its root's
// identity, in one transaction re-reading the record.
func (s *Service) setVolumeLive(ctx context.Context, id, next, rootID string) error {
	return s.update(ctx, func(tx *store.Tx) error {
		v, err := volumes(tx).Get(id)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil || v.Lifecycle != fsxd.Creating {
			return err
		}
		v.Lifecycle, v.RootID = next, rootID
		return volumes(tx).Put(id, v)
	})
}

// adoptRootIDs records the current root identity of live volumes that
// have none. A volume whose directory is missing keeps waiting.
func (s *Service) adoptRootIDs(ctx context.Context, vols []*fsxd.Volume) error {
	var errs []error
	for _, v := range vols {
		if v.RootID != "" || v.Dir == "" || (v.Lifecycle != fsxd.Available && v.Lifecycle != fsxd.Created) {
			continue
		}
		rootID, err := volume.DirID(v.Dir)
		if err != nil {
			continue // nothing to adopt yet; the health check reports the volume
		}
		errs = append(errs, s.update(ctx, func(tx *store.Tx) error {
			cur, err := volumes(tx).Get(v.ID)
			if err != nil || cur.RootID != "" || cur.Dir != v.Dir {
				return ignoreNotFound(err)
			}
			cur.RootID = rootID
			s.cfg.Logger.Info("fsxapi: adopted volume root identity", "volume", v.ID)
			return volumes(tx).Put(v.ID, cur)
		}))
	}
	return errors.Join(errs...)
}

func ignoreNotFound(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}
