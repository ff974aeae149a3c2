// Package fsxapi is the FSx control plane: the AWS JSON 1.1 operations on
// file systems, storage virtual machines, volumes and tags, and the
// reconciler that moves their lifecycles along. Request and response
// shapes, with their validation, are generated from the FSx model into
// zz_shapes.go; the S3 access point operations live in package
// accesspoint, which uses the same shapes.
//
// # Directories
//
// Every volume is a real directory under Config.DataDir:
//
//	fs/<fs-id>/                       one per file system
//	fs/<fs-id>/fsx                    OpenZFS root volume (VolumePath /fsx)
//	<parent volume dir>/<name>        OpenZFS child volume (VolumePath /fsx/<name>...)
//	fs/<fs-id>/<svm-id>/              ONTAP SVM namespace (its root volume, junction "/")
//	<svm dir><JunctionPath>           ONTAP volume with a junction path
//	<svm dir>/.unmounted/<vol-id>     ONTAP volume without one (not reachable by path)
//
// Directories appear when a resource becomes AVAILABLE (or CREATED) and are
// removed when its deletion completes. fsxd never removes anything outside
// DataDir/fs. A volume records its root's identity (Volume.RootID,
// rootid.go) when it becomes AVAILABLE or CREATED, so a root replaced
// later is told apart.
//
// # Importing an existing tree
//
// To expose an existing directory (a ZFS dataset, an NFS mount, a disk)
// without copying it, tag the resource at creation with
// fsxd:import-path = <absolute directory>:
//
//   - on CreateFileSystem (OPENZFS), the directory becomes the root volume;
//   - on CreateVolume (OPENZFS or ONTAP), it becomes that volume.
//
// Imports are the operator's decision: the directory must exist and lie
// strictly below one of Config.Imports' roots (package importpath), checked
// after symlinks and ".." are resolved; without roots the tag is refused.
// Volumes whose directory is no longer allowed are not created (FAILED)
// and their access points stop serving (package accesspoint). fsxd
// records the directory as imported and never deletes it, not even when
// the volume or file system is deleted; OpenZFS child volumes created
// later nest inside it.
package fsxapi

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/awsjson"
	"github.com/fsxd/fsxd/idempotency"
	"github.com/fsxd/fsxd/importpath"
	"github.com/fsxd/fsxd/store"
)

// ImportTag is the tag key that exposes an existing directory as a volume.
const ImportTag = "fsxd:import-path"

// Config is what the service needs from the server.
type Config struct {
	Store          *store.Store
	Account        fsxd.Account
	DataDir        string
	Now            func() time.Time // nil = time.Now
	LifecycleDelay time.Duration    // CREATING lasts at least this long
	Logger         *slog.Logger     // nil = slog.Default()
	// Imports are the operator's import roots; nil = none (the
	// fsxd:import-path tag is refused).
	Imports *importpath.Roots
	// BackupDir holds backups; "" = <DataDir>/backups.
	BackupDir string
	// NoAutomaticBackups turns off the daily AUTOMATIC backups file
	// systems ask for (backup_auto.go).
	NoAutomaticBackups bool
	// Mask is the keyed digest that stands for a password in a kept
	// request (idempotency.Mask); every node must use the same key. nil =
	// a key of this process's own, so a retry after a restart that
	// carries a password is refused as changed.
	Mask idempotency.Mask
	// MaxCopies bounds the whole-tree copies (snapshots, restores,
	// backups, volumes from them) this node runs at once; the rest wait
	// as they are (CREATING; a restore IN_PROGRESS) for a free slot.
	// 0 = DefaultMaxCopies.
	MaxCopies int
}

// Service serves the FSx operations.
type Service struct {
	cfg Config
	// newID and newUUID are swapped for deterministic ones in tests
	// (golden files).
	newID   func(prefix string) string
	newUUID func() string
	// work runs snapshot, restore and backup copies (snap_work.go);
	// cleanOnce removes crash leftovers before the first of them.
	work            *background
	cleanOnce       sync.Once
	backupCleanOnce sync.Once
	taken           autoTaken // backup_auto.go
	tokens          tokenScan // reconcile_tokens.go
}

// New returns a service; cfg.Store and cfg.DataDir are required.
func New(cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Imports == nil {
		cfg.Imports = importpath.None(cfg.DataDir)
	}
	if cfg.Mask == nil {
		cfg.Mask = processMask()
	}
	return &Service{cfg: cfg, newID: fsxd.NewID, newUUID: randomUUID, work: newBackground(cfg.MaxCopies, claimsDir(cfg.DataDir))}
}

// Register adds the FSx operations to m. The S3 access point operations
// (CreateAndAttachS3AccessPoint, DescribeS3AccessPointAttachments,
// DetachAndDeleteS3AccessPoint) are package accesspoint's.
func (s *Service) Register(m *awsjson.Mux) {
	m.Handle(fsxd.OpCreateFileSystem, awsjson.Op(s.CreateFileSystem))
	m.Handle(fsxd.OpDescribeFileSystems, awsjson.Op(s.DescribeFileSystems))
	m.Handle(fsxd.OpDeleteFileSystem, awsjson.Op(s.DeleteFileSystem))
	m.Handle(fsxd.OpUpdateFileSystem, awsjson.Op(s.UpdateFileSystem))
	m.Handle(fsxd.OpCreateStorageVirtualMachine, awsjson.Op(s.CreateStorageVirtualMachine))
	m.Handle(fsxd.OpDescribeStorageVirtualMachines, awsjson.Op(s.DescribeStorageVirtualMachines))
	m.Handle(fsxd.OpDeleteStorageVirtualMachine, awsjson.Op(s.DeleteStorageVirtualMachine))
	m.Handle(fsxd.OpUpdateStorageVirtualMachine, awsjson.Op(s.UpdateStorageVirtualMachine))
	m.Handle(fsxd.OpCreateVolume, awsjson.Op(s.CreateVolume))
	m.Handle(fsxd.OpDescribeVolumes, awsjson.Op(s.DescribeVolumes))
	m.Handle(fsxd.OpDeleteVolume, awsjson.Op(s.DeleteVolume))
	m.Handle(fsxd.OpUpdateVolume, awsjson.Op(s.UpdateVolume))
	m.Handle(fsxd.OpTagResource, awsjson.Op(s.TagResource))
	m.Handle(fsxd.OpUntagResource, awsjson.Op(s.UntagResource))
	m.Handle(fsxd.OpListTagsForResource, awsjson.Op(s.ListTagsForResource))
	s.registerSnapshots(m)
	s.registerBackups(m)
	registerNotOffered(m)
}

func (s *Service) now() time.Time { return s.cfg.Now().UTC() }

// The tables this package reads and writes (declared in store/schema.go).
func fileSystems(tx *store.Tx) store.Table[fsxd.FileSystem] { return store.FileSystems.In(tx) }
func svms(tx *store.Tx) store.Table[fsxd.SVM]               { return store.SVMs.In(tx) }
func volumes(tx *store.Tx) store.Table[fsxd.Volume]         { return store.Volumes.In(tx) }
func attachments(tx *store.Tx) store.Table[fsxd.Attachment] { return store.Attachments.In(tx) }

// update and view run fn in a transaction. Errors that are not an
// *awserr.Error reach the client as InternalServerError (awsjson does
// that), with the cause logged.
func (s *Service) update(ctx context.Context, fn func(*store.Tx) error) error {
	return s.cfg.Store.Update(ctx, fn)
}

func (s *Service) view(ctx context.Context, fn func(*store.Tx) error) error {
	return s.cfg.Store.View(ctx, fn)
}
