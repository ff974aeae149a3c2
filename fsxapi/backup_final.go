package fsxapi

import (
	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/store"
)

// The final backup AWS takes when an OpenZFS file system or an ONTAP
// volume is deleted, unless SkipFinalBackup is true. The deletion waits
// for its copy (backupPending) before it removes the directory.

func (s *Service) finalFSBackup(tx *store.Tx, fs *fsxd.FileSystem, c *DeleteFileSystemOpenZFSConfiguration) (*DeleteFileSystemOpenZFSResponse, error) {
	if fs.Type != fsxd.TypeOpenZFS || c != nil && val(c.SkipFinalBackup) {
		return nil, nil
	}
	var tags []Tag
	if c != nil {
		tags = c.FinalBackupTags
	}
	b, err := s.newBackup(tx, fs.ID, "", fromWireTags(tags), false)
	if err != nil {
		return nil, err
	}
	return &DeleteFileSystemOpenZFSResponse{FinalBackupId: ptr(b.ID), FinalBackupTags: tags}, nil
}

func (s *Service) finalVolumeBackup(tx *store.Tx, v *fsxd.Volume, c *DeleteVolumeOntapConfiguration) (*DeleteVolumeOntapResponse, error) {
	if v.Type != fsxd.TypeONTAP || c != nil && val(c.SkipFinalBackup) || v.Dir == "" || v.Lifecycle == fsxd.Creating {
		return nil, nil
	}
	var tags []Tag
	if c != nil {
		tags = c.FinalBackupTags
	}
	b, err := s.newBackup(tx, "", v.ID, fromWireTags(tags), false)
	if err != nil {
		return nil, err
	}
	return &DeleteVolumeOntapResponse{FinalBackupId: ptr(b.ID), FinalBackupTags: tags}, nil
}
