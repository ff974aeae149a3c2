package accesspoint

import (
	"context"
	"errors"
	"path/filepath"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/multipart"
	"github.com/fsxd/fsxd/policy"
	"github.com/fsxd/fsxd/s3api"
	"github.com/fsxd/fsxd/store"
	"github.com/fsxd/fsxd/volume"
)

// What the data plane answers through an access point that is not
// AVAILABLE (UNCONFIRMED; docs/decisions.md, "Attachment lifecycle and the data plane"):
//
//	CREATING, MISCONFIGURED, UPDATING  503 ServiceUnavailable: it may come
//	                                   back by itself; SDKs retry 503s
//	FAILED                             404 NoSuchBucket: it never will
//	DELETING, gone, unknown            404 NoSuchBucket: from the first
//	                                   moment of deletion nothing is served
//
// The message names the access point, its state and, when there is one,
// the reason.

// Resolver returns the data plane's view of the access points.
func (s *Service) Resolver() s3api.Resolver { return (*resolver)(s) }

type resolver Service

var _ s3api.Resolver = (*resolver)(nil)

// ByAlias finds an access point by its alias.
func (r *resolver) ByAlias(ctx context.Context, alias string) (*s3api.AccessPoint, error) {
	s := (*Service)(r)
	return s.lookup(ctx, "alias/"+alias, func(tx *store.Tx) (*fsxd.Attachment, error) {
		rec, err := aliases(tx).Get(alias)
		if err != nil {
			return nil, err
		}
		return attachments(tx).Get(rec.Name)
	})
}

// ByName finds an access point by name in accountID, which must be ours.
func (r *resolver) ByName(ctx context.Context, name, accountID string) (*s3api.AccessPoint, error) {
	s := (*Service)(r)
	if accountID != s.acc.ID {
		return nil, awserr.NoSuchBucket.Err("")
	}
	return s.lookup(ctx, "name/"+name, func(tx *store.Tx) (*fsxd.Attachment, error) {
		return attachments(tx).Get(name)
	})
}

// resolverKinds are the kinds an access point's data-plane view is built
// from (lookup, build, nestedRoots). Snapshots are read on each request
// (snapshots.go), so they are not among them. A write of any other kind
// (an IAM user's policy, a key, a session, a backup) keeps every cached
// access point: the next request does not re-read and re-open it.
var resolverKinds = []string{store.Attachments.Name, store.Aliases.Name, store.Volumes.Name, store.FileSystems.Name}

// lookup serves key from the cache while no record of resolverKinds has
// changed since it was read (or, from another node, a commit of unknown
// kinds); else it reads the attachment with find and rebuilds it. The
// generation is taken before reading, so a change racing with the read
// leaves an entry that is already stale.
func (s *Service) lookup(ctx context.Context, key string, find func(*store.Tx) (*fsxd.Attachment, error)) (*s3api.AccessPoint, error) {
	gen := s.apGen.Generation()
	if e, ok := s.cache.entry(key, gen); ok {
		return s.live(key, e.ap)
	}
	var a *fsxd.Attachment
	var vol *fsxd.Volume
	var fs *fsxd.FileSystem
	var nested []string
	err := s.st.View(ctx, func(tx *store.Tx) error {
		var err error
		if a, err = find(tx); err != nil {
			return err
		}
		if vol, err = volumes(tx).Get(a.VolumeID); err != nil {
			return err
		}
		if fs, err = fileSystems(tx).Get(vol.FileSystemID); err != nil {
			return err
		}
		nested, err = nestedRoots(tx, vol)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		s.cache.put(key, cacheEntry{gen: gen})
		return nil, awserr.NoSuchBucket.Err("")
	}
	if err != nil {
		return nil, awserr.From(err, awserr.InternalError) // keeps a 503 for an unreachable store
	}
	ap := s.build(a, vol, fs, nested)
	s.cache.put(key, cacheEntry{gen: gen, ap: ap})
	return s.live(key, ap)
}

// live checks a cached access point on use: a volume root that vanished
// since it was opened refuses the request and triggers a health check.
func (s *Service) live(key string, ap *s3api.AccessPoint) (*s3api.AccessPoint, error) {
	if ap == nil {
		return nil, awserr.NoSuchBucket.Err("")
	}
	if ap.Unusable != nil || ap.Root.Check() == nil {
		return ap, nil
	}
	s.cache.forget(key)
	s.cache.drop(ap.Root.Dir(), ap.Root)
	s.checkOnUse(ap.Name)
	cp := *ap
	cp.Unusable = awserr.ServiceUnavailable.Err("Access point %s cannot reach its volume's root directory.", ap.Name)
	return &cp, nil
}

// build makes the data plane's access point from the records; nested are
// the roots of the volumes mounted beneath vol (nestedRoots).
func (s *Service) build(a *fsxd.Attachment, vol *fsxd.Volume, fs *fsxd.FileSystem, nested []string) *s3api.AccessPoint {
	ap := &s3api.AccessPoint{
		Name: a.Name, Alias: a.Alias, ARN: s.acc.AccessPointARN(a.Name),
		AccountID: s.acc.ID, Type: a.Type, VpcID: a.VpcID,
	}
	if a.Policy != "" {
		// Stored policies were validated; one that no longer parses denies
		// nothing and grants nothing, and is logged.
		doc, err := policy.ParseKind([]byte(a.Policy), policy.ResourcePolicy)
		if err != nil {
			s.cfg.Logger.Warn("stored access point policy does not parse", "access_point", a.Name, "err", err)
		}
		ap.Policy, ap.PolicyBound = doc, a.PolicyIDs
	}
	if ap.Unusable = refusal(a); ap.Unusable != nil {
		return ap
	}
	if a.Resolved != nil {
		ap.Identity = *a.Resolved
	}
	if err := s.cfg.Imports.Serves(vol.Dir); err != nil {
		// Refused before the root is opened: a withdrawn import root
		// serves nothing, even before the health check records it.
		s.checkOnUse(a.Name)
		ap.Unusable = awserr.ServiceUnavailable.Err("Access point %s cannot serve: %s", a.Name, notAllowed(vol.ID))
		return ap
	}
	root, err := s.cache.root(vol.Dir, s.openOptions(vol, fs))
	if err != nil {
		s.cfg.Logger.Warn("cannot open volume root", "access_point", a.Name, "dir", vol.Dir, "err", err)
		s.checkOnUse(a.Name)
		ap.Unusable = awserr.ServiceUnavailable.Err("Access point %s cannot reach its volume's root directory.", a.Name)
		return ap
	}
	if vol.RootID != "" && root.ID() != vol.RootID {
		// Never serve a directory made in the volume's place; the check
		// turns the attachment MISCONFIGURED.
		s.cfg.Logger.Warn("volume root replaced", "access_point", a.Name, "volume", vol.ID, "dir", vol.Dir)
		s.checkOnUse(a.Name)
		ap.Unusable = awserr.ServiceUnavailable.Err("Access point %s is MISCONFIGURED: %s", a.Name, replacedRoot(vol.ID))
		return ap
	}
	root.SetMounts(nested)
	ap.Root = root
	if vol.Type == fsxd.TypeOpenZFS {
		ap.Snapshot = s.snapshotRoots(vol, s.openOptions(vol, fs))
		ap.SnapshotNames = s.snapshotNames(vol)
	}
	if vol.QuotaGiB > 0 {
		ap.QuotaBytes = vol.QuotaGiB << 30
	}
	if ap.Uploads, err = s.cache.staging(stagingDir(fs, "uploads"), s.cfg.Now); err != nil {
		ap.Unusable = awserr.InternalError.Err("").Wrap(err)
	}
	return ap
}

// refusal is the S3 error for an attachment that must not serve, or nil.
func refusal(a *fsxd.Attachment) error {
	why := ""
	if a.Reason != "" {
		why = ": " + a.Reason
	}
	switch a.Lifecycle {
	case fsxd.Available:
		if a.Resolved == nil {
			return awserr.ServiceUnavailable.Err("Access point %s has no resolved file system identity.", a.Name)
		}
		return nil
	case fsxd.Creating:
		return awserr.ServiceUnavailable.Err("Access point %s is being created; retry when it is AVAILABLE.", a.Name)
	case fsxd.Misconfigured, fsxd.Updating:
		return awserr.ServiceUnavailable.Err("Access point %s is %s%s", a.Name, a.Lifecycle, why)
	case fsxd.Failed:
		return awserr.NoSuchBucket.Err("Access point %s is FAILED%s", a.Name, why)
	}
	return awserr.NoSuchBucket.Err("Access point %s is being deleted.", a.Name)
}

// stagingDir is fsxd's private directory in a file system: on the same
// file system as its volumes, so finished uploads move in by rename.
func stagingDir(fs *fsxd.FileSystem, sub string) string {
	return filepath.Join(fs.Dir, ".fsxd-staging", sub)
}

// openOptions are the configured volume options, with a per-volume
// metadata directory for file systems without user xattrs.
func (s *Service) openOptions(vol *fsxd.Volume, fs *fsxd.FileSystem) volume.Options {
	o := s.cfg.Volumes
	if o.MetaDir == "" {
		o.MetaDir = filepath.Join(stagingDir(fs, "meta"), vol.ID)
	}
	return o
}

var _ s3api.UploadStores = (*resolver)(nil)

// UploadStores names the multipart staging store of every file system, so
// the data plane can expire abandoned uploads.
func (r *resolver) UploadStores(ctx context.Context) ([]*multipart.Store, error) {
	s := (*Service)(r)
	var fss []*fsxd.FileSystem
	err := s.st.View(ctx, func(tx *store.Tx) error {
		var err error
		fss, _, err = fileSystems(tx).List("", 0, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	var out []*multipart.Store
	for _, fs := range fss {
		if fs.Dir == "" {
			continue
		}
		st, err := s.cache.staging(stagingDir(fs, "uploads"), s.cfg.Now)
		if err != nil {
			continue // not created yet, or gone: nothing to expire there
		}
		out = append(out, st)
	}
	return out, nil
}
