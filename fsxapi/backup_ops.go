package fsxapi

// Backups: full, independent, checksummed copies in Config.BackupDir
// (default <data-dir>/backups), which outlive the volume and the file
// system. As on AWS, an OpenZFS backup is of a file system (its root
// volume's tree, child volumes included) and an ONTAP backup of a volume.
// CREATING (COPYING for CopyBackup) until the copy and its checksum
// (volume.TreeSum) are done and LifecycleDelay has passed, then AVAILABLE;
// DeleteBackup makes it DELETED and the reconciler removes it.

import (
	"context"
	"path/filepath"
	"slices"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/awsjson"
	"github.com/fsxd/fsxd/store"
)

const (
	backupCopying = "COPYING"
	backupDeleted = "DELETED"
)

func backupNotFound(id string) error {
	return awserr.BackupNotFound.Err("Backup '%s' does not exist.", id)
}

func (s *Service) backupDir(id string) string {
	base := s.cfg.BackupDir
	if base == "" {
		base = filepath.Join(s.cfg.DataDir, "backups")
	}
	return filepath.Join(base, id)
}

func (s *Service) registerBackups(m *awsjson.Mux) {
	m.Handle(fsxd.OpCreateBackup, awsjson.Op(s.CreateBackup))
	m.Handle(fsxd.OpDescribeBackups, awsjson.Op(s.DescribeBackups))
	m.Handle(fsxd.OpDeleteBackup, awsjson.Op(s.DeleteBackup))
	m.Handle(fsxd.OpCopyBackup, awsjson.Op(s.CopyBackup))
	m.Handle(fsxd.OpCreateFileSystemFromBackup, awsjson.Op(s.CreateFileSystemFromBackup))
	m.Handle(fsxd.OpCreateVolumeFromBackup, awsjson.Op(s.CreateVolumeFromBackup))
}

// CreateBackup backs up an OpenZFS file system (FileSystemId) or an ONTAP
// volume (VolumeId).
func (s *Service) CreateBackup(ctx context.Context, in *CreateBackupRequest) (*CreateBackupResponse, error) {
	return once(ctx, s, fsxd.OpCreateBackup, in.ClientRequestToken, in, func(tx *store.Tx) (*CreateBackupResponse, string, error) {
		rec, err := s.newBackup(tx, val(in.FileSystemId), val(in.VolumeId), fromWireTags(in.Tags), true)
		if err != nil {
			return nil, "", err
		}
		b, err := s.renderBackup(rec)
		return &CreateBackupResponse{Backup: b}, rec.ID, err
	})
}

// newBackup checks and records a backup of a file system or volume; live
// says the resource must be AVAILABLE (a final backup is of one being
// deleted).
func (s *Service) newBackup(tx *store.Tx, fsID, volID string, tags []fsxd.Tag, live bool) (*fsxd.Backup, error) {
	if (fsID == "") == (volID == "") {
		return nil, badRequest("Specify either FileSystemId (OpenZFS) or VolumeId (ONTAP).")
	}
	rec := &fsxd.Backup{ID: s.newID(fsxd.BackupPrefix), Type: "USER_INITIATED", Lifecycle: fsxd.Creating, CreationTime: s.now(), Tags: tags}
	rec.Dir = s.backupDir(rec.ID)
	if volID != "" {
		v, err := volumes(tx).Get(volID)
		if err != nil {
			return nil, notFoundAs(err, volNotFound(volID))
		}
		if v.Type != fsxd.TypeONTAP {
			return nil, badRequest("Volume %s is an OPENZFS volume; back up its file system %s instead.", volID, v.FileSystemID)
		}
		if live && v.Lifecycle != fsxd.Created && v.Lifecycle != fsxd.Available {
			return nil, badRequest("Volume %s is %s; it can be backed up once it is CREATED.", volID, v.Lifecycle)
		}
		rec.ResourceType, rec.VolumeID, rec.Volume, fsID = "VOLUME", volID, v.Wire, v.FileSystemID
	}
	fs, err := fileSystems(tx).Get(fsID)
	if err != nil {
		return nil, notFoundAs(err, fsNotFound(fsID))
	}
	if volID == "" {
		if fs.Type != fsxd.TypeOpenZFS {
			return nil, badRequest("File system %s is an ONTAP file system; back up its volumes with VolumeId.", fsID)
		}
		if live && fs.Lifecycle != fsxd.Available {
			return nil, badRequest("File system %s is %s; it can be backed up once it is AVAILABLE.", fsID, fs.Lifecycle)
		}
		rec.ResourceType, rec.VolumeID = "FILE_SYSTEM", fs.RootVolumeID
	}
	busy, err := backups(tx).Count(func(b *fsxd.Backup) bool {
		return b.Lifecycle == fsxd.Creating && b.VolumeID == rec.VolumeID
	})
	if err != nil {
		return nil, err
	}
	if busy > 0 {
		return nil, awserr.BackupInProgress.Err("A backup of volume %s is already in progress.", rec.VolumeID)
	}
	rec.FileSystemID, rec.FileSystemType, rec.FileSystem = fsID, fs.Type, fs.Wire
	if len(rec.Tags) == 0 && copyTagsToBackups(fs) {
		rec.Tags = slices.Clone(fs.Tags)
	}
	return rec, backups(tx).Insert(rec.ID, rec)
}

func copyTagsToBackups(fs *fsxd.FileSystem) bool {
	w, err := unwire[FileSystem](fs.Wire)
	if err != nil || w.OpenZFSConfiguration == nil {
		return false
	}
	return val(w.OpenZFSConfiguration.CopyTagsToBackups)
}

// DescribeBackups lists backups by id or by filters, a page at a time.
func (s *Service) DescribeBackups(ctx context.Context, in *DescribeBackupsRequest) (*DescribeBackupsResponse, error) {
	ids := sortedUnique(in.BackupIds)
	filters := make([]filter, len(in.Filters))
	for i, f := range in.Filters {
		filters[i] = filter{val(f.Name), f.Values}
	}
	recs, err := getOrList(ctx, s, backups, ids, backupNotFound)
	if err != nil {
		return nil, err
	}
	recs = keep(recs, func(b *fsxd.Backup) bool { return matches(filters, backupField(b)) })
	pg, err := paginate(fsxd.OpDescribeBackups, queryDigest(ids, filters), recs, func(b *fsxd.Backup) string { return b.ID }, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	out, err := renderAll(pg.Items, s.renderBackup)
	if err != nil {
		return nil, err
	}
	return &DescribeBackupsResponse{Backups: out, NextToken: pg.Next}, nil
}

func backupField(b *fsxd.Backup) func(string) string {
	return func(name string) string {
		switch name {
		case "file-system-id":
			return b.FileSystemID
		case "volume-id":
			return b.VolumeID
		case "backup-type":
			return b.Type
		case "file-system-type":
			return b.FileSystemType
		}
		return "" // data-repository-type, file-cache-*: nothing here has them
	}
}

func (s *Service) renderBackup(b *fsxd.Backup) (*Backup, error) {
	fs, err := unwire[FileSystem](b.FileSystem)
	if err != nil {
		return nil, err
	}
	out := &Backup{
		BackupId: ptr(b.ID), Lifecycle: ptr(b.Lifecycle), Type: ptr(b.Type),
		CreationTime: ptr(awsTime(b.CreationTime)), ResourceARN: ptr(s.cfg.Account.BackupARN(b.ID)),
		Tags: toWireTags(b.Tags), FileSystem: fs, OwnerId: ptr(s.cfg.Account.ID), ResourceType: ptr(b.ResourceType),
	}
	if b.ResourceType == "VOLUME" {
		if out.Volume, err = unwire[Volume](b.Volume); err != nil {
			return nil, err
		}
	}
	if b.SourceBackupID != "" {
		out.SourceBackupId, out.SourceBackupRegion = ptr(b.SourceBackupID), ptr(s.cfg.Account.Region)
	}
	if b.Checksum != "" {
		out.SizeInBytes, out.ProgressPercent = ptr(b.Bytes), ptr(int64(100))
	} else if msg := s.work.progress(b.ID); msg != "" {
		out.ProgressPercent = ptr(int64(0))
	}
	return out, nil
}

// DeleteBackup makes a backup DELETED; the reconciler removes its copy.
func (s *Service) DeleteBackup(ctx context.Context, in *DeleteBackupRequest) (*DeleteBackupResponse, error) {
	return once(ctx, s, fsxd.OpDeleteBackup, in.ClientRequestToken, in, func(tx *store.Tx) (*DeleteBackupResponse, string, error) {
		id := val(in.BackupId)
		b, err := backups(tx).Get(id)
		if err != nil || b.Lifecycle == backupDeleted {
			return nil, "", notFoundAs(orNotFound(err), backupNotFound(id))
		}
		if b.Lifecycle == fsxd.Creating {
			return nil, "", awserr.BackupInProgress.Err("Backup %s is still being created.", id)
		}
		if err := backupInUse(tx, id); err != nil {
			return nil, "", err
		}
		b.Lifecycle = backupDeleted
		return &DeleteBackupResponse{BackupId: ptr(id), Lifecycle: ptr(backupDeleted)}, id, backups(tx).Put(id, b)
	})
}

// backupInUse refuses the deletion of a backup that a copy reads: a
// CopyBackup under way (BackupBeingCopied) or a volume being made from it
// (BackupRestoring).
func backupInUse(tx *store.Tx, id string) error {
	n, err := backups(tx).Count(func(o *fsxd.Backup) bool { return o.SourceBackupID == id && o.Lifecycle == backupCopying })
	if err != nil {
		return err
	}
	if n > 0 {
		return awserr.BackupBeingCopied.Err("Backup %s is being copied.", id).With("BackupId", id)
	}
	restoring, _, err := volumes(tx).List("", 0, func(v *fsxd.Volume) bool { return v.OriginBackupID == id && v.Lifecycle == fsxd.Creating })
	if err != nil {
		return err
	}
	if len(restoring) > 0 {
		return awserr.BackupRestoring.Err("Backup %s is being restored to volume %s.", id, restoring[0].ID)
	}
	return nil
}

// CopyBackup copies a backup in this region: a new backup id, an
// independent copy.
func (s *Service) CopyBackup(ctx context.Context, in *CopyBackupRequest) (*CopyBackupResponse, error) {
	return once(ctx, s, fsxd.OpCopyBackup, in.ClientRequestToken, in, func(tx *store.Tx) (*CopyBackupResponse, string, error) {
		if r := val(in.SourceRegion); r != "" && r != s.cfg.Account.Region {
			return nil, "", awserr.InvalidRegion.Err("fsxd serves region %s only; SourceRegion %s is not available.", s.cfg.Account.Region, r)
		}
		src, err := availableBackup(tx, val(in.SourceBackupId))
		if err != nil {
			return nil, "", err
		}
		cp := *src
		cp.ID = s.newID(fsxd.BackupPrefix)
		cp.Dir, cp.SourceBackupID, cp.Lifecycle, cp.CreationTime = s.backupDir(cp.ID), src.ID, backupCopying, s.now()
		cp.Checksum, cp.Bytes, cp.Tags = "", 0, fromWireTags(in.Tags)
		if val(in.CopyTags) && len(cp.Tags) == 0 {
			cp.Tags = slices.Clone(src.Tags)
		}
		if err := backups(tx).Insert(cp.ID, &cp); err != nil {
			return nil, "", err
		}
		b, err := s.renderBackup(&cp)
		return &CopyBackupResponse{Backup: b}, cp.ID, err
	})
}

// availableBackup loads a backup that can be copied or restored.
func availableBackup(tx *store.Tx, id string) (*fsxd.Backup, error) {
	b, err := backups(tx).Get(id)
	if err != nil || b.Lifecycle == backupDeleted {
		return nil, notFoundAs(orNotFound(err), backupNotFound(id))
	}
	if b.Lifecycle != fsxd.Available {
		return nil, badRequest("Backup %s is %s; only an AVAILABLE backup can be used.", id, b.Lifecycle)
	}
	return b, nil
}
