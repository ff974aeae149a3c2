package s3api

import (
	"net/url"
	"strings"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/awserr"
)

// copySource is a parsed x-amz-copy-source: the access point (by alias, or
// by name and account when given as an ARN) and the key.
type copySource struct {
	alias   string
	name    string // set with account for the ARN form
	account string
	key     string
}

// parseCopySource reads x-amz-copy-source in the forms S3 accepts for
// access points: "[/]<alias>/<key>" and
// "arn:<partition>:s3:<region>:<account>:accesspoint/<name>/object/<key>",
// URL-encoded, optionally followed by "?versionId=<id>". Only the null
// version exists here, since FSx access points have no versioning.
func parseCopySource(v string) (copySource, error) {
	raw, query, _ := strings.Cut(v, "?")
	if query != "" {
		q, err := url.ParseQuery(query)
		if err != nil || len(q) != 1 || !q.Has("versionId") {
			return copySource{}, badCopySource(v)
		}
		if id := q.Get("versionId"); id != "null" {
			return copySource{}, invalidArgument("x-amz-copy-source", v, "Invalid version id specified")
		}
	}
	s, err := url.PathUnescape(raw)
	if err != nil {
		return copySource{}, badCopySource(v)
	}
	if strings.HasPrefix(s, "arn:") {
		return parseARNSource(s, v)
	}
	s = strings.TrimPrefix(s, "/")
	bucket, key, ok := strings.Cut(s, "/")
	if !ok || bucket == "" || key == "" {
		return copySource{}, badCopySource(v)
	}
	return copySource{alias: bucket, key: key}, nil
}

// parseARNSource splits arn:partition:s3:region:account:accesspoint/name/object/key.
func parseARNSource(s, orig string) (copySource, error) {
	arn, ok := fsxd.ParseARN(s)
	if !ok || arn.Partition == "" || arn.Service != "s3" || !fsxd.ValidAccountID(arn.Account) {
		return copySource{}, badCopySource(orig)
	}
	rest, ok := arn.ResourceID("accesspoint")
	if !ok {
		return copySource{}, badCopySource(orig)
	}
	name, key, ok := strings.Cut(rest, "/object/")
	if !ok || !validAPName(name) || key == "" {
		return copySource{}, badCopySource(orig)
	}
	return copySource{name: name, account: arn.Account, key: key}, nil
}

func badCopySource(v string) *awserr.Error {
	return invalidArgument("x-amz-copy-source", v, "Invalid copy source object key")
}

// sameAccessPoint reports whether the source is ap: AWS copies only
// within one access point on FSx (docs/decisions.md, "S3 operations and limits on FSx access points").
func (c copySource) sameAccessPoint(ap *AccessPoint) bool {
	if c.account != "" {
		return c.name == ap.Name && c.account == ap.AccountID
	}
	return c.alias == ap.Alias
}
