package accesspoint

import (
	"context"
	"errors"
	"slices"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/fsxapi"
	"github.com/fsxd/fsxd/store"
)

// maxPage is the model's bound on S3AccessPointAttachments in one response.
const maxPage = 1000

// describe is DescribeS3AccessPointAttachments. Results come in name order
// and a NextToken resumes after the last name returned, so paging is
// stable while attachments come and go: every attachment that exists for
// the whole walk is returned exactly once. Names and Filters combine (both
// apply: the reference leaves it UNCONFIRMED); any unknown name is
// S3AccessPointAttachmentNotFound.
func (s *Service) describe(ctx context.Context, in *fsxapi.DescribeS3AccessPointAttachmentsRequest) (*fsxapi.DescribeS3AccessPointAttachmentsResponse, error) {
	keep, err := compileFilters(in.Filters)
	if err != nil {
		return nil, err
	}
	after := ""
	if in.NextToken != nil {
		if after, err = s.decodeToken(*in.NextToken); err != nil {
			return nil, err
		}
	}
	limit := maxPage
	if in.MaxResults != nil && *in.MaxResults < maxPage {
		limit = int(*in.MaxResults)
	}
	var page []*fsxd.Attachment
	err = s.st.View(ctx, func(tx *store.Tx) error {
		if len(in.Names) > 0 {
			page, err = named(tx, in.Names, after, limit+1, keep)
			return err
		}
		page, _, err = attachments(tx).List(after, limit+1, keep)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &fsxapi.DescribeS3AccessPointAttachmentsResponse{S3AccessPointAttachments: []fsxapi.S3AccessPointAttachment{}}
	if len(page) > limit {
		page = page[:limit]
		out.NextToken = ptr(s.encodeToken(page[limit-1].Name))
	}
	for _, a := range page {
		out.S3AccessPointAttachments = append(out.S3AccessPointAttachments, s.toWire(a))
	}
	return out, nil
}

// named returns the named attachments after `after` that keep accepts, in
// name order, at most limit of them. Every name must exist, even those
// outside the page, so a paged walk fails the same way on every page.
func named(tx *store.Tx, names []string, after string, limit int, keep func(*fsxd.Attachment) bool) ([]*fsxd.Attachment, error) {
	names = slices.Clone(names)
	slices.Sort(names)
	names = slices.Compact(names)
	var out []*fsxd.Attachment
	for _, n := range names {
		a, err := attachments(tx).Get(n)
		if errors.Is(err, store.ErrNotFound) {
			return nil, awserr.S3AccessPointAttachmentNotFound.Err("The S3 access point attachment %s was not found.", n)
		}
		if err != nil {
			return nil, err
		}
		if n > after && len(out) < limit && keep(a) {
			out = append(out, a)
		}
	}
	return out, nil
}

// compileFilters turns Filters into one predicate: AND across filters, OR
// across a filter's values (as DescribeVolumes does; UNCONFIRMED here).
// file-system-id matches the file system of the attachment's volume.
func compileFilters(filters []fsxapi.S3AccessPointAttachmentsFilter) (func(*fsxd.Attachment) bool, error) {
	type check struct {
		field  func(*fsxd.Attachment) string
		values []string
	}
	var checks []check
	for _, f := range filters {
		var field func(*fsxd.Attachment) string
		switch deref(f.Name) {
		case "file-system-id":
			field = func(a *fsxd.Attachment) string { return a.FileSystemID }
		case "volume-id":
			field = func(a *fsxd.Attachment) string { return a.VolumeID }
		case "type":
			field = func(a *fsxd.Attachment) string { return a.Type }
		default:
			return nil, awserr.BadRequest.Err("Filter name must be one of file-system-id, volume-id, type.")
		}
		if len(f.Values) == 0 {
			return nil, awserr.BadRequest.Err("Filter %s needs at least one value.", deref(f.Name))
		}
		checks = append(checks, check{field, f.Values})
	}
	return func(a *fsxd.Attachment) bool {
		for _, c := range checks {
			if !slices.Contains(c.values, c.field(a)) {
				return false
			}
		}
		return true
	}, nil
}
