package volume

import (
	"errors"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// Names of a restore's work directories inside the volume: reserved, so
// no key reaches them and no listing shows them.
const (
	restoreStage = tempPrefix + "restore"
	restoreTrash = tempPrefix + "restore-old"
)

// RestoreTree makes the volume at dir hold the tree at snap again: every
// top-level entry of dir that keep does not claim (nested volumes) is
// replaced by snap's entries, and the root gets snap's root's mode, owner,
// times and xattrs. dir itself stays (its identity is the volume's).
//
// The snapshot is first copied inside the volume (CopyTree, under a
// reserved name), then the old entries are moved aside and the new ones
// in by rename. A snapshot removed, even in part, during the copy fails
// it with ErrSourceGone before anything of dir was moved: dir is left as
// it was, never given a partial tree. Once the copy is whole the swap no
// longer reads snap (its root's metadata comes from the fd opened first).
// A crash can stop this between two renames; the caller records that a
// restore is under way and calls RestoreTree again after a restart, which
// starts over from the snapshot and ends in the same state: RestoreTree
// is idempotent. progress, if set, is called as CopyOptions.Progress.
func RestoreTree(snap, dir string, keep func(name string) bool, progress func(CopyStats)) (CopyStats, error) {
	stage, trash := filepath.Join(dir, restoreStage), filepath.Join(dir, restoreTrash)
	for _, p := range []string{stage, trash} {
		if err := os.RemoveAll(p); err != nil {
			return CopyStats{}, err
		}
	}
	if err := CleanCopies(dir); err != nil {
		return CopyStats{}, err
	}
	sfd, err := unix.Open(snap, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err == unix.ENOENT {
		return CopyStats{}, ErrSourceGone
	}
	if err != nil {
		return CopyStats{}, err
	}
	defer unix.Close(sfd)
	stats, err := CopyTree(snap, stage, CopyOptions{Whole: true, Progress: progress})
	if err != nil {
		return stats, err
	}
	if err := os.Mkdir(trash, 0o700); err != nil {
		return stats, err
	}
	if err := moveEntries(dir, trash, func(n string) bool { return n != restoreStage && n != restoreTrash && !keep(n) }); err != nil {
		return stats, err
	}
	if err := moveEntries(stage, dir, func(n string) bool { return !keep(n) }); err != nil {
		return stats, err
	}
	if err := errors.Join(os.RemoveAll(trash), os.RemoveAll(stage)); err != nil {
		return stats, err
	}
	// Last: removing the work directories changed the root's mtime.
	if err := copyRootMeta(sfd, dir); err != nil {
		return stats, err
	}
	return stats, syncPath(dir)
}

// moveEntries renames the entries of from that move selects into to.
func moveEntries(from, to string, move func(string) bool) error {
	ents, err := os.ReadDir(from)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if n := e.Name(); move(n) {
			if err := os.Rename(filepath.Join(from, n), filepath.Join(to, n)); err != nil {
				return err
			}
		}
	}
	return nil
}

// copyRootMeta gives dir the metadata of the snapshot root open as sfd.
func copyRootMeta(sfd int, dir string) error {
	dfd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(dfd)
	var st unix.Stat_t
	if err := unix.Fstat(sfd, &st); err != nil {
		return err
	}
	return finishEntry(sfd, dfd, &st, true)
}
