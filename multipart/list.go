package multipart

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
)

// ListOptions are ListMultipartUploads' parameters.
type ListOptions struct {
	Prefix, Delimiter string
	// KeyMarker and UploadIDMarker resume a listing: uploads after the one
	// they name (UploadIDMarker is ignored without KeyMarker).
	KeyMarker, UploadIDMarker string
	// MaxUploads caps uploads plus common prefixes; <= 0 or above 1000
	// means 1000.
	MaxUploads int
}

// ListResult is one page of ListMultipartUploads.
type ListResult struct {
	Uploads        []Upload
	CommonPrefixes []string
	// NextKeyMarker and NextUploadIDMarker name the last entry returned
	// (for a common prefix, the prefix and ""); pass them back as markers.
	NextKeyMarker, NextUploadIDMarker string
	IsTruncated                       bool
}

// List returns the uploads of access point ap in S3's order: by key (its
// UTF-8 bytes), then by initiation time. Each call reads the staging
// directory, so uploads made by other nodes appear and removed ones vanish;
// only the immutable upload records are cached.
func (s *Store) List(ap string, o ListOptions) (ListResult, error) {
	all, err := s.uploads()
	if err != nil {
		return ListResult{}, err
	}
	var ups []Upload
	for _, u := range all {
		if u.AccessPoint == ap && strings.HasPrefix(u.Key, o.Prefix) && o.after(u) {
			ups = append(ups, u)
		}
	}
	// IDs begin with the initiation time in a sortable encoding.
	slices.SortFunc(ups, func(a, b Upload) int {
		return cmpPair(a.Key, a.ID, b.Key, b.ID)
	})
	return o.page(ups), nil
}

func cmpPair(a1, a2, b1, b2 string) int {
	if c := strings.Compare(a1, b1); c != 0 {
		return c
	}
	return strings.Compare(a2, b2)
}

// after reports whether u comes after the markers. When the key marker is
// a common prefix (a previous page ended on it), every key rolled up into
// that prefix was already reported.
func (o ListOptions) after(u Upload) bool {
	if o.KeyMarker == "" {
		return true
	}
	if cp, ok := o.commonPrefix(u.Key); ok && cp == o.KeyMarker {
		return false
	}
	if o.UploadIDMarker != "" && u.Key == o.KeyMarker {
		return u.ID > o.UploadIDMarker
	}
	return u.Key > o.KeyMarker
}

// commonPrefix is the prefix key rolls up into, if any.
func (o ListOptions) commonPrefix(key string) (string, bool) {
	if o.Delimiter == "" || !strings.HasPrefix(key, o.Prefix) {
		return "", false
	}
	i := strings.Index(key[len(o.Prefix):], o.Delimiter)
	if i < 0 {
		return "", false
	}
	return key[:len(o.Prefix)+i+len(o.Delimiter)], true
}

// page cuts the sorted, filtered uploads into one page.
func (o ListOptions) page(ups []Upload) ListResult {
	max := o.MaxUploads
	if max <= 0 || max > 1000 {
		max = 1000
	}
	var r ListResult
	n := 0
	for _, u := range ups {
		cp, rolled := o.commonPrefix(u.Key)
		if rolled && len(r.CommonPrefixes) > 0 && r.CommonPrefixes[len(r.CommonPrefixes)-1] == cp {
			continue
		}
		if n == max {
			r.IsTruncated = true
			break
		}
		n++
		if rolled {
			r.CommonPrefixes = append(r.CommonPrefixes, cp)
			r.NextKeyMarker, r.NextUploadIDMarker = cp, ""
		} else {
			r.Uploads = append(r.Uploads, u)
			r.NextKeyMarker, r.NextUploadIDMarker = u.Key, u.ID
		}
	}
	return r
}

// uploads reads every upload in the staging directory, from the cache
// where it can.
func (s *Store) uploads() ([]Upload, error) {
	ents, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, fmt.Errorf("multipart: %w", err)
	}
	seen := make(map[string]Upload, len(ents))
	var missing []string
	s.mu.Lock()
	for _, e := range ents {
		if id := e.Name(); validID(id) {
			u, ok := s.cache[id]
			seen[id] = u
			if !ok {
				missing = append(missing, id)
			}
		}
	}
	s.mu.Unlock()
	for _, id := range missing {
		u, err := s.read(id)
		if errors.Is(err, ErrNoSuchUpload) {
			delete(seen, id) // removed since ReadDir
			continue
		}
		if err != nil {
			return nil, err
		}
		seen[id] = u
	}
	s.mu.Lock()
	s.cache = seen // drops uploads no longer on disk
	s.mu.Unlock()
	out := make([]Upload, 0, len(seen))
	for _, u := range seen {
		out = append(out, u)
	}
	return out, nil
}
