package iamapi

import (
	"strings"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/store"
)

// tagKeys are the tag condition keys of an IAM action on resource: the
// resource's tags (resourceTagKeys) and those the request sets, as
// aws:RequestTag/<key> and aws:TagKeys. Nil when there are none.
func (c *call) tagKeys(resource string) map[string][]string {
	keys := c.resourceTagKeys(resource)
	if len(c.reqTags) == 0 {
		return keys
	}
	if keys == nil {
		keys = make(map[string][]string, len(c.reqTags)+1)
	}
	names := make([]string, 0, len(c.reqTags))
	for _, t := range c.reqTags {
		keys["aws:requesttag/"+strings.ToLower(t.Key)] = []string{t.Value}
		names = append(names, t.Key)
	}
	keys["aws:tagkeys"] = names
	return keys
}

// resourceTagKeys are aws:ResourceTag/<key> and iam:ResourceTag/<key> of
// the user, role or managed policy an IAM action names, so that a
// policy's tag conditions on it apply (a Deny guarding tagged roles would
// otherwise never match). Nil for other resources or one that is not
// there (the operation answers its own NoSuchEntity).
func (c *call) resourceTagKeys(resource string) map[string][]string {
	a, ok := fsxd.ParseARN(resource)
	if !ok || a.Service != "iam" || a.Account != c.s.dir.Account().ID {
		return nil
	}
	kind, rest, _ := strings.Cut(a.Resource, "/")
	name := nameKey(rest[strings.LastIndex(rest, "/")+1:])
	var tags []store.IAMTag
	c.s.dir.Store().View(c.ctx, func(tx *store.Tx) error {
		switch kind {
		case "user":
			if u, err := users(tx).Get(name); err == nil {
				tags = u.Tags
			}
		case "role":
			if r, err := roles(tx).Get(name); err == nil {
				tags = r.Tags
			}
		case "policy":
			if p, err := managed(tx).Get(name); err == nil {
				tags = p.Tags
			}
		}
		return nil
	})
	if len(tags) == 0 {
		return nil
	}
	keys := make(map[string][]string, 2*len(tags))
	for _, t := range tags {
		k := strings.ToLower(t.Key)
		keys["aws:resourcetag/"+k] = []string{t.Value}
		keys["iam:resourcetag/"+k] = []string{t.Value}
	}
	return keys
}
