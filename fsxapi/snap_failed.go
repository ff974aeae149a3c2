package fsxapi

// How a copy from a snapshot ends when it cannot complete: the volume it
// fills is never left with part of the snapshot, nor retried for ever.

import (
	"context"
	"errors"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/store"
	"github.com/fsxd/fsxd/volume"
)

// maxRestoreAttempts bounds the tries of one restore or update: an error
// other than a vanished snapshot (a full disk, an I/O error) may pass,
// but a volume must not stay IN_PROGRESS, refusing snapshots and
// restores, for ever.
const maxRestoreAttempts = 5

// restoreDone records how a restore of volID from snapID ended: done
// (err nil), FAILED at once when the snapshot is gone, else FAILED after
// maxRestoreAttempts tries. A failed restore leaves the tree as it was
// (volume.RestoreTree) and clears Restoring, so the volume takes
// snapshots and restores again.
func (s *Service) restoreDone(volID, snapID string, err error) error {
	return s.update(context.Background(), func(tx *store.Tx) error {
		cur, gerr := volumes(tx).Get(volID)
		if gerr != nil || cur.Restoring != snapID {
			return ignoreNotFound(gerr)
		}
		if err != nil {
			cur.RestoreAttempts++
			if !errors.Is(err, volume.ErrSourceGone) && cur.RestoreAttempts < maxRestoreAttempts {
				return volumes(tx).Put(volID, cur)
			}
			cur.RestoreFailure = restoreFailure(snapID, err)
		}
		cur.Restoring, cur.RestoreAttempts = "", 0
		if err == nil {
			cur.RestoreAction = ""
		}
		return volumes(tx).Put(volID, cur)
	})
}

func restoreFailure(snapID string, err error) string {
	if errors.Is(err, volume.ErrSourceGone) {
		return "Snapshot " + snapID + " was deleted during the copy; the volume was left as it was."
	}
	return "Copying snapshot " + snapID + " failed; the volume was left as it was."
}

// originFailure is why a volume cannot be made from its origin after err,
// or "" when a later pass may try again: a snapshot or backup deleted
// during the copy, or a backup that fails its checksum.
func originFailure(v *fsxd.Volume, err error) string {
	what, id := "Snapshot", v.OriginSnapshotID
	if id == "" {
		what, id = "Backup", v.OriginBackupID
	}
	switch {
	case errors.Is(err, volume.ErrSourceGone):
		return what + " " + id + " was deleted while the volume was being made from it."
	case errors.Is(err, errBackupDamaged):
		return "Backup " + id + " does not match its checksum; the volume was not made from it."
	}
	return ""
}

// originFailed makes a volume whose origin cannot be copied (originFailure)
// FAILED, with the reason: it would otherwise come up with part of it, or
// stay CREATING for ever, tried again on every pass.
func (s *Service) originFailed(v *fsxd.Volume, reason string) error {
	return s.update(context.Background(), func(tx *store.Tx) error {
		cur, err := volumes(tx).Get(v.ID)
		if err != nil || cur.Lifecycle != fsxd.Creating {
			return ignoreNotFound(err)
		}
		cur.Lifecycle = fsxd.Failed
		cur.FailureReason = reason
		return volumes(tx).Put(v.ID, cur)
	})
}
