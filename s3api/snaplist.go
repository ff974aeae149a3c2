package s3api

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/fsxd/fsxd/volume"
)

// Listing the .zfs directory (snapdir.go): as with ZFS's snapdir=hidden,
// no listing of the volume shows it, but a prefix that starts with
// ".zfs/" lists it: ".zfs/snapshot/" and below it each AVAILABLE
// snapshot's name, then the keys inside each snapshot, read as the access
// point's identity.

// SnapshotNames lists the names of a volume's AVAILABLE snapshots.
type SnapshotNames func() ([]string, error)

// listWalk is the walk a listing with prefix reads.
func (rq *request) listWalk(prefix string) walkFunc {
	if strings.HasPrefix(prefix, snapDir+"/") {
		return snapDirWalk(rq.ap)
	}
	return hideSnapDir(rq.fs().Walk)
}

// hideSnapDir leaves out whatever lies under .zfs (a directory made there
// beside S3 is hidden as the real one is).
func hideSnapDir(walk walkFunc) walkFunc {
	return func(ctx context.Context, o volume.WalkOptions, fn func(volume.Entry) error) error {
		return walk(ctx, o, func(e volume.Entry) error {
			if underSnapDir(e.Key) {
				return nil
			}
			return fn(e)
		})
	}
}

// snapDirWalk walks the .zfs directory of ap: each snapshot's keys under
// ".zfs/snapshot/<name>/", in S3 order, rolled up to the first "/" after
// the prefix where the prefix stops above a snapshot's root.
func snapDirWalk(ap *AccessPoint) walkFunc {
	return func(ctx context.Context, o volume.WalkOptions, fn func(volume.Entry) error) error {
		if ap.SnapshotNames == nil || ap.Snapshot == nil {
			return nil
		}
		names, err := ap.SnapshotNames()
		if err != nil {
			return err
		}
		// All of a snapshot's keys start with name+"/": sort by that.
		slices.SortFunc(names, func(a, b string) int { return strings.Compare(a+"/", b+"/") })
		last := ""
		for _, name := range names {
			err := walkSnapshot(ctx, ap, snapshotPrefix+name+"/", o, func(e volume.Entry) error {
				if e.IsPrefix && e.Key == last {
					return nil // one common prefix for all snapshots above their roots
				}
				last = e.Key
				return fn(e)
			})
			if errors.Is(err, volume.ErrStopWalk) {
				return nil
			}
			if err != nil {
				return err
			}
		}
		return nil
	}
}

// walkSnapshot walks the snapshot whose keys start with root; fn
// returning volume.ErrStopWalk ends the whole walk.
func walkSnapshot(ctx context.Context, ap *AccessPoint, root string, o volume.WalkOptions, fn func(volume.Entry) error) error {
	inner := volume.WalkOptions{Delimiter: o.Delimiter, Want: o.Want}
	switch {
	case strings.HasPrefix(o.Prefix, root):
		inner.Prefix = o.Prefix[len(root):]
	case !strings.HasPrefix(root, o.Prefix):
		return nil
	case o.Delimiter:
		i := strings.IndexByte(root[len(o.Prefix):], '/')
		return fn(volume.Entry{Key: root[:len(o.Prefix)+i+1], IsPrefix: true})
	}
	switch sa := o.StartAfter; {
	case strings.HasPrefix(sa, root):
		inner.StartAfter = sa[len(root):]
	case sa > root:
		return nil
	}
	r, err := ap.Snapshot(strings.TrimSuffix(root[len(snapshotPrefix):], "/"))
	if err != nil {
		return nil // deleted since it was listed
	}
	stopped := false
	err = r.As(ap.Identity).Walk(ctx, inner, func(e volume.Entry) error {
		e.Key = root + e.Key
		if !e.IsPrefix {
			e.Info.Key = e.Key
		}
		err := fn(e)
		stopped = errors.Is(err, volume.ErrStopWalk)
		return err
	})
	if err == nil && stopped {
		return volume.ErrStopWalk
	}
	return err
}
