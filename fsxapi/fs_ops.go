package fsxapi

import (
	"context"
	"slices"
	"strings"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/store"
)

// DescribeFileSystems lists file systems, all of them or the named ones
// (any unknown id fails the whole request, as on AWS), a page at a time.
func (s *Service) DescribeFileSystems(ctx context.Context, in *DescribeFileSystemsRequest) (*DescribeFileSystemsResponse, error) {
	ids := sortedUnique(in.FileSystemIds)
	recs, err := getOrList(ctx, s, fileSystems, ids, fsNotFound)
	if err != nil {
		return nil, err
	}
	pg, err := paginate(fsxd.OpDescribeFileSystems, queryDigest(ids), recs, func(r *fsxd.FileSystem) string { return r.ID }, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	fss, err := renderAll(pg.Items, renderFS)
	if err != nil {
		return nil, err
	}
	return &DescribeFileSystemsResponse{FileSystems: fss, NextToken: pg.Next}, nil
}

func fsNotFound(id string) error {
	return awserr.FileSystemNotFound.Err("File system '%s' does not exist.", id)
}

// DeleteFileSystem starts deleting a file system: DELETING now, gone (with
// its directory) once the reconciler has removed its volumes. OpenZFS
// child volumes need DELETE_CHILD_VOLUMES_AND_SNAPSHOTS; ONTAP file systems
// must have no SVMs left; no volume may have an S3 access point attached.
func (s *Service) DeleteFileSystem(ctx context.Context, in *DeleteFileSystemRequest) (*DeleteFileSystemResponse, error) {
	return once(ctx, s, fsxd.OpDeleteFileSystem, in.ClientRequestToken, in, func(tx *store.Tx) (*DeleteFileSystemResponse, string, error) {
		return s.deleteFileSystem(tx, in)
	})
}

func (s *Service) deleteFileSystem(tx *store.Tx, in *DeleteFileSystemRequest) (*DeleteFileSystemResponse, string, error) {
	id := val(in.FileSystemId)
	rec, err := fileSystems(tx).Get(id)
	if err != nil {
		return nil, "", notFoundAs(err, fsNotFound(id))
	}
	out := &DeleteFileSystemResponse{FileSystemId: ptr(id), Lifecycle: ptr(fsxd.Deleting)}
	if rec.Lifecycle == fsxd.Deleting {
		return out, id, nil // deleting twice is not an error
	}
	if in.WindowsConfiguration != nil || in.LustreConfiguration != nil ||
		(in.OpenZFSConfiguration != nil && rec.Type != fsxd.TypeOpenZFS) {
		return nil, "", badRequest("The configuration does not match the %s file system %s.", rec.Type, id)
	}
	vols, _, err := volumes(tx).List("", 0, func(v *fsxd.Volume) bool { return v.FileSystemID == id })
	if err != nil {
		return nil, "", err
	}
	if err := noAttachments(tx, "file system "+id, vols); err != nil {
		return nil, "", err
	}
	if err := s.checkFSEmpty(tx, rec, vols, in.OpenZFSConfiguration); err != nil {
		return nil, "", err
	}
	var opts []string
	if c := in.OpenZFSConfiguration; c != nil {
		opts = c.Options
	}
	if err := doomSnapshots(tx, "File system "+id, vols, opts); err != nil {
		return nil, "", err
	}
	if out.OpenZFSResponse, err = s.finalFSBackup(tx, rec, in.OpenZFSConfiguration); err != nil {
		return nil, "", err
	}
	if err := startDeleting(tx, vols, s.now()); err != nil {
		return nil, "", err
	}
	rec.Lifecycle, rec.DeletionTime = fsxd.Deleting, s.now()
	return out, id, fileSystems(tx).Put(id, rec)
}

// checkFSEmpty applies the per-type rule for what may still exist.
func (s *Service) checkFSEmpty(tx *store.Tx, rec *fsxd.FileSystem, vols []*fsxd.Volume, c *DeleteFileSystemOpenZFSConfiguration) error {
	if rec.Type == fsxd.TypeONTAP {
		n, err := svms(tx).Count(func(v *fsxd.SVM) bool { return v.FileSystemID == rec.ID })
		if err != nil {
			return err
		}
		if n > 0 || len(vols) > 0 {
			return badRequest("File system %s still has %d storage virtual machine(s) and %d volume(s); delete them first.", rec.ID, n, len(vols))
		}
		return nil
	}
	if c != nil && slices.Contains(c.Options, "DELETE_CHILD_VOLUMES_AND_SNAPSHOTS") {
		return nil
	}
	var children []string
	for _, v := range vols {
		if v.ID != rec.RootVolumeID {
			children = append(children, v.ID)
		}
	}
	if len(children) > 0 {
		return badRequest("File system %s has child volumes (%s); delete them or specify the option DELETE_CHILD_VOLUMES_AND_SNAPSHOTS.", rec.ID, strings.Join(children, ", "))
	}
	return nil
}

// noAttachments refuses when an S3 access point is attached to any of vols.
func noAttachments(tx *store.Tx, what string, vols []*fsxd.Volume) error {
	ids := map[string]bool{}
	for _, v := range vols {
		ids[v.ID] = true
	}
	aps, _, err := attachments(tx).List("", 0, func(a *fsxd.Attachment) bool { return ids[a.VolumeID] })
	if err != nil || len(aps) == 0 {
		return err
	}
	names := make([]string, len(aps))
	for i, a := range aps {
		names[i] = a.Name
	}
	return badRequest("Cannot delete %s: S3 access points are attached (%s); detach and delete them first.", what, strings.Join(names, ", "))
}
