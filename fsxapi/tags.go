package fsxapi

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/store"
)

// maxTags is FSx's limit of tags per resource.
const maxTags = 50

// resourceRef is a parsed FSx resource ARN.
type resourceRef struct {
	arn  string
	kind string // file-system | volume | storage-virtual-machine | snapshot | backup
	fsID string // the volume id for a snapshot
	id   string
}

// parseARN reads arn:<partition>:fsx:<region>:<account>:<type>/<ids>. Only
// ARNs of this server's partition, region and account can name a resource.
func (s *Service) parseARN(arn string) (resourceRef, error) {
	parsed, ok := fsxd.ParseARN(arn)
	missing := awserr.ResourceNotFound.Err("The resource ARN '%s' does not exist.", arn).With("ResourceARN", arn)
	if !ok {
		return resourceRef{}, badRequest("Invalid ResourceARN '%s'.", arn)
	}
	if parsed.Service != "fsx" {
		return resourceRef{}, awserr.NotServiceResourceError.Err("The resource ARN '%s' is not an Amazon FSx resource.", arn).With("ResourceARN", arn)
	}
	a := s.cfg.Account
	if parsed.Partition != a.Partition || parsed.Region != a.Region || parsed.Account != a.ID {
		return resourceRef{}, missing
	}
	kind := parsed.ResourceType()
	rest, _ := parsed.ResourceID(kind)
	ids := strings.Split(rest, "/")
	ref := resourceRef{arn: arn, kind: kind, fsID: ids[0]}
	switch {
	case (kind == "file-system" || kind == "backup") && len(ids) == 1:
		ref.id = ids[0]
	case (kind == "volume" || kind == "storage-virtual-machine" || kind == "snapshot") && len(ids) == 2:
		ref.id = ids[1]
	default:
		return resourceRef{}, missing
	}
	return ref, nil
}

// editTags loads the tagged record, lets fn change its tags, and saves it.
// Pass a nil fn to read only.
func (s *Service) editTags(tx *store.Tx, ref resourceRef, fn func(*[]fsxd.Tag) error) ([]fsxd.Tag, error) {
	missing := awserr.ResourceNotFound.Err("The resource ARN '%s' does not exist.", ref.arn).With("ResourceARN", ref.arn)
	switch ref.kind {
	case "file-system":
		return editRecordTags(fileSystems(tx), ref.id, missing, func(r *fsxd.FileSystem) *[]fsxd.Tag { return &r.Tags }, nil, fn)
	case "snapshot":
		return editRecordTags(snapshots(tx), ref.id, missing, func(r *fsxd.Snapshot) *[]fsxd.Tag { return &r.Tags },
			func(r *fsxd.Snapshot) bool { return r.VolumeID == ref.fsID }, fn)
	case "backup":
		return editRecordTags(backups(tx), ref.id, missing, func(r *fsxd.Backup) *[]fsxd.Tag { return &r.Tags }, nil, fn)
	case "volume":
		return editRecordTags(volumes(tx), ref.id, missing, func(r *fsxd.Volume) *[]fsxd.Tag { return &r.Tags },
			func(r *fsxd.Volume) bool { return r.FileSystemID == ref.fsID }, fn)
	default:
		return editRecordTags(svms(tx), ref.id, missing, func(r *fsxd.SVM) *[]fsxd.Tag { return &r.Tags },
			func(r *fsxd.SVM) bool { return r.FileSystemID == ref.fsID }, fn)
	}
}

func editRecordTags[T any](t store.Table[T], key string, missing error, tags func(*T) *[]fsxd.Tag, belongs func(*T) bool, fn func(*[]fsxd.Tag) error) ([]fsxd.Tag, error) {
	r, err := t.Get(key)
	if err != nil {
		return nil, notFoundAs(err, missing)
	}
	if belongs != nil && !belongs(r) {
		return nil, missing // right id, wrong file system in the ARN
	}
	if fn == nil {
		return *tags(r), nil
	}
	if err := fn(tags(r)); err != nil {
		return nil, err
	}
	return *tags(r), t.Put(key, r)
}

// TagResource adds or replaces tags; keys starting with "aws:" are AWS's
// (refused by validation, validate.go).
func (s *Service) TagResource(ctx context.Context, in *TagResourceRequest) (*TagResourceResponse, error) {
	ref, err := s.parseARN(val(in.ResourceARN))
	if err != nil {
		return nil, err
	}
	err = s.update(ctx, func(tx *store.Tx) error {
		_, err := s.editTags(tx, ref, func(tags *[]fsxd.Tag) error {
			for _, t := range in.Tags {
				*tags = setTag(*tags, val(t.Key), val(t.Value))
			}
			if len(*tags) > maxTags {
				return badRequest("A resource can have at most %d tags; this request would make %d.", maxTags, len(*tags))
			}
			return nil
		})
		return err
	})
	return &TagResourceResponse{}, err
}

// UntagResource removes tags by key; absent keys are ignored.
func (s *Service) UntagResource(ctx context.Context, in *UntagResourceRequest) (*UntagResourceResponse, error) {
	ref, err := s.parseARN(val(in.ResourceARN))
	if err != nil {
		return nil, err
	}
	err = s.update(ctx, func(tx *store.Tx) error {
		_, err := s.editTags(tx, ref, func(tags *[]fsxd.Tag) error {
			*tags = slices.DeleteFunc(*tags, func(t fsxd.Tag) bool { return slices.Contains(in.TagKeys, t.Key) })
			return nil
		})
		return err
	})
	return &UntagResourceResponse{}, err
}

// ListTagsForResource lists a resource's tags by key, a page at a time.
func (s *Service) ListTagsForResource(ctx context.Context, in *ListTagsForResourceRequest) (*ListTagsForResourceResponse, error) {
	ref, err := s.parseARN(val(in.ResourceARN))
	if err != nil {
		return nil, err
	}
	var tags []fsxd.Tag
	err = s.view(ctx, func(tx *store.Tx) error {
		tags, err = s.editTags(tx, ref, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	tags = slices.Clone(tags)
	slices.SortFunc(tags, func(a, b fsxd.Tag) int { return strings.Compare(a.Key, b.Key) })
	pg, err := paginate(fsxd.OpListTagsForResource, queryDigest(ref.arn), tags, func(t fsxd.Tag) string { return t.Key }, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	out := toWireTags(pg.Items)
	if out == nil {
		out = []Tag{}
	}
	return &ListTagsForResourceResponse{Tags: out, NextToken: pg.Next}, nil
}

// ResourceTags returns the tags of the resource arn names, for the
// aws:ResourceTag/<key> condition keys of the authorization check. An
// ARN that names nothing here gives no tags and no error: the operation
// answers its own not-found once authorized.
func (s *Service) ResourceTags(ctx context.Context, arn string) ([]fsxd.Tag, error) {
	ref, err := s.parseARN(arn)
	if err != nil {
		return nil, nil
	}
	var tags []fsxd.Tag
	err = s.view(ctx, func(tx *store.Tx) error {
		tags, err = s.editTags(tx, ref, nil)
		return err
	})
	if errors.As(err, new(*awserr.Error)) {
		return nil, nil
	}
	return tags, err
}
