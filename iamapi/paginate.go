package iamapi

// Marker/MaxItems pagination. A Marker is the last returned item's sort
// key, base64url-encoded so clients treat it as opaque.

import (
	"encoding/base64"
	"sort"
	"strings"

	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/store"
)

type page struct {
	after string // sort key to continue after; "" from the start
	max   int
}

func (c *call) page() (page, error) {
	max, err := c.f.maxItems()
	if err != nil {
		return page{}, err
	}
	m, err := c.f.optional(pMarker, "")
	if err != nil || m == "" {
		return page{max: max}, err
	}
	after, err := base64.RawURLEncoding.DecodeString(m)
	if err != nil || len(after) == 0 {
		return page{}, awserr.InvalidInput.Err("Invalid Marker.")
	}
	return page{after: string(after), max: max}, nil
}

// cut keeps the first max items of list (which may hold one more, fetched
// to learn whether the list goes on) and returns the marker to continue.
func cut[T any](list []T, max int, key func(T) string) ([]T, bool, string) {
	if len(list) <= max {
		return list, false, ""
	}
	list = list[:max]
	return list, true, base64.RawURLEncoding.EncodeToString([]byte(key(list[max-1])))
}

// pageOf pages an in-memory list: sorted by key, items after pg.after.
func pageOf[T any](all []T, pg page, key func(T) string) ([]T, bool, string) {
	sort.Slice(all, func(i, j int) bool { return key(all[i]) < key(all[j]) })
	i := sort.Search(len(all), func(i int) bool { return key(all[i]) > pg.after })
	all = all[i:]
	if len(all) > pg.max+1 {
		all = all[:pg.max+1]
	}
	return cut(all, pg.max, key)
}

// listByPath reads one page of ListUsers or ListGroups: the records whose
// path starts with PathPrefix, in name order, authorized against "*".
func listByPath[T any](c *call, action string, table func(*store.Tx) store.Table[T],
	pathName func(*T) (path, name string)) ([]*T, bool, string, error) {
	prefix, err := c.f.optional(pPathPrefix, "/")
	if err != nil {
		return nil, false, "", err
	}
	pg, err := c.page()
	if err != nil {
		return nil, false, "", err
	}
	if err := c.authorize(action, "*"); err != nil {
		return nil, false, "", err
	}
	var list []*T
	err = c.s.dir.Store().View(c.ctx, func(tx *store.Tx) (err error) {
		list, _, err = table(tx).List(pg.after, pg.max+1, func(v *T) bool {
			path, _ := pathName(v)
			return strings.HasPrefix(path, prefix)
		})
		return err
	})
	if err != nil {
		return nil, false, "", err
	}
	list, truncated, marker := cut(list, pg.max, func(v *T) string { _, name := pathName(v); return nameKey(name) })
	return list, truncated, marker, nil
}
