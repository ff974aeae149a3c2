package s3api

import (
	"strings"

	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/volume"
)

// OpenZFS shows a volume's snapshots read-only under .zfs/snapshot/<name>/
// (snapdir=hidden: the directory is in no listing of the volume, but a
// path into it works). Through an access point the same keys reach the
// snapshot's copy: reads go there, as the access point's identity; every
// write under .zfs/ is AccessDenied, as writing a read-only snapshot is.

const (
	snapDir        = ".zfs"
	snapshotPrefix = ".zfs/snapshot/"
)

// underSnapDir reports whether key lies in the .zfs directory.
func underSnapDir(key string) bool {
	return key == snapDir || strings.HasPrefix(key, snapDir+"/")
}

// readOnlyOps are the object operations a snapshot serves.
var readOnlyOps = map[string]bool{opGetObject: true, opHeadObject: true, opGetObjectAttributes: true, opGetObjectTagging: true}

// snapshotView turns a request for a key under .zfs/ into one on the
// snapshot's root: it returns the access point to serve with, the key
// inside the snapshot, and the prefix that was cut off ("" when key is
// not under .zfs/).
func snapshotView(op string, ap *AccessPoint, key string) (*AccessPoint, string, string, error) {
	if !underSnapDir(key) {
		return ap, key, "", nil
	}
	if !readOnlyOps[op] {
		return nil, "", "", awserr.AccessDenied.Err("")
	}
	name, rest, ok := strings.Cut(strings.TrimPrefix(key, snapshotPrefix), "/")
	if !strings.HasPrefix(key, snapshotPrefix) || !ok || rest == "" || ap.Snapshot == nil {
		return nil, "", "", awserr.NoSuchKey.Err("")
	}
	root, err := ap.Snapshot(name)
	if err != nil {
		return nil, "", "", err
	}
	cp := *ap
	cp.Root = root
	return &cp, rest, snapshotPrefix + name + "/", nil
}

// refusalFirst answers a request whose .zfs/ path cannot be served (no
// such snapshot, or a write): with the caller's refusal of action on the
// key if there is one, so that a caller who may not read a key, or who is
// outside the access point's VPC, cannot learn which snapshots exist.
func (rq *request) refusalFirst(action, key string, err error) error {
	if action != "" {
		if aerr := rq.authorize(action, key, nil); aerr != nil {
			return aerr
		}
	}
	return err
}

// SnapshotRoots opens a volume's snapshots by name for an access point:
// nil for none, else the snapshot's root or an error (NoSuchKey for a
// name that is not an AVAILABLE snapshot of the volume).
type SnapshotRoots func(name string) (*volume.Root, error)
