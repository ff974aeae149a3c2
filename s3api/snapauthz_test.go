package s3api

import (
	"context"
	"strings"
	"testing"

	"github.com/fsxd/fsxd/awserr"
)

// TestSnapshotNamesHidden: a caller refused a key under .zfs/snapshot/
// gets the same AccessDenied whether the snapshot it names exists or
// not, on every operation that reads a snapshot and as a copy source;
// one allowed learns NoSuchKey for a name that is not a snapshot.
func TestSnapshotNamesHidden(t *testing.T) {
	e := snapEnv(t)
	e.put("dst", "x")
	refuse := true
	e.h.cfg.Authorize = func(_ context.Context, req Request) error {
		if refuse && strings.HasPrefix(req.Key, snapshotPrefix) {
			return awserr.AccessDenied.Err("")
		}
		return nil
	}
	type call struct {
		name, method, path, header string
	}
	calls := func(snap string) []call {
		key := "/" + testAlias + "/.zfs/snapshot/" + snap + "/x.txt"
		return []call{
			{"GetObject", "GET", key, ""},
			{"HeadObject", "HEAD", key, ""},
			{"GetObjectTagging", "GET", key + "?tagging", ""},
			{"GetObjectAttributes", "GET", key + "?attributes", "x-amz-object-attributes: ETag"},
			{"CopyObject source", "PUT", "/" + testAlias + "/dst", "x-amz-copy-source: " + strings.TrimPrefix(key, "/")},
		}
	}
	for _, tc := range []struct {
		snap   string
		refuse bool
		status int
	}{
		{"a", true, 403},
		{"nosuch", true, 403}, // the same answer: nothing learnt
		{"nosuch", false, 404},
		{"a", false, 200},
	} {
		refuse = tc.refuse
		for _, c := range calls(tc.snap) {
			var hs []string
			if c.header != "" {
				hs = append(hs, c.header)
			}
			r := e.do(c.method, c.path, nil, hs...)
			if r.status != tc.status {
				t.Errorf("%s of snapshot %q (refused %v): %d %s, want %d", c.name, tc.snap, tc.refuse, r.status, r.body, tc.status)
			}
		}
	}
}
