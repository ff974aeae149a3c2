package fsxapi

import (
	"slices"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/store"
)

const deleteChildrenOption = "DELETE_CHILD_VOLUMES_AND_SNAPSHOTS"

// doomSnapshots makes the snapshots of vols DELETING along with them, which
// DeleteVolume and DeleteFileSystem do only with the option
// DELETE_CHILD_VOLUMES_AND_SNAPSHOTS (what is the name of the resource
// being deleted, for the error). A snapshot another volume still needs
// (snapshotInUse) refuses the whole call.
func doomSnapshots(tx *store.Tx, what string, vols []*fsxd.Volume, options []string) error {
	snaps, _, err := snapshots(tx).List("", 0, func(r *fsxd.Snapshot) bool {
		return r.Lifecycle != fsxd.Deleting && slices.ContainsFunc(vols, func(v *fsxd.Volume) bool { return v.ID == r.VolumeID })
	})
	if err != nil || len(snaps) == 0 {
		return err
	}
	if !slices.Contains(options, deleteChildrenOption) {
		return badRequest("%s has snapshots (%s); delete them or specify the option %s.", what, idsOf(snaps, func(r *fsxd.Snapshot) string { return r.ID }), deleteChildrenOption)
	}
	return deleteSnapshots(tx, snaps, vols)
}
