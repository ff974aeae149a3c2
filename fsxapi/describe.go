package fsxapi

// What DescribeFileSystems, DescribeStorageVirtualMachines and
// DescribeVolumes share: read the named records or all of them, filter,
// page (paginate.go), render.

import (
	"context"
	"slices"

	"github.com/fsxd/fsxd/store"
)

// getOrList returns the records with the given keys (each must exist, or
// the whole request fails, as on AWS), or every record when keys is
// empty, in key order.
func getOrList[T any](ctx context.Context, s *Service, table func(*store.Tx) store.Table[T], keys []string, notFound func(string) error) ([]*T, error) {
	var out []*T
	err := s.view(ctx, func(tx *store.Tx) error {
		t := table(tx)
		if len(keys) == 0 {
			recs, _, err := t.List("", 0, nil)
			out = recs
			return err
		}
		out = make([]*T, 0, len(keys))
		for _, k := range keys {
			r, err := t.Get(k)
			if err != nil {
				return notFoundAs(err, notFound(k))
			}
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func sortedUnique(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

func keep[T any](items []T, ok func(T) bool) []T {
	out := items[:0:0]
	for _, it := range items {
		if ok(it) {
			out = append(out, it)
		}
	}
	return out
}

// renderAll renders a page of records; an empty page is [], not null.
func renderAll[R, W any](recs []*R, render func(*R) (*W, error)) ([]W, error) {
	out := make([]W, 0, len(recs))
	for _, r := range recs {
		w, err := render(r)
		if err != nil {
			return nil, err
		}
		out = append(out, *w)
	}
	return out, nil
}
