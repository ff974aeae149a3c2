package iamapi

// A trust policy names users and roles by ARN, but means the user or role
// that had that ARN when the policy was saved: IAM records the unique id,
// and one deleted and made again under the same name is someone else. So
// fsxd binds each same-account user and role ARN to its id when a trust
// policy is saved (refusing one that names no such user or role, as IAM
// does), assumes only for the bound id (policy.Request.Bound), and when
// the user or role is deleted shows its id in the policy in place of the
// ARN, as IAM does.

import (
	"errors"
	"strings"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/policy"
	"github.com/fsxd/fsxd/store"
)

// bindTrust returns the unique ids of the users and roles of this account
// that doc names; nil if it names none.
func (c *call) bindTrust(tx *store.Tx, doc *policy.Document) (map[string]string, error) {
	var bound map[string]string
	for _, arn := range doc.PrincipalARNs() {
		a, ok := fsxd.ParseARN(arn)
		kind, _, _ := strings.Cut(a.Resource, "/")
		if !ok || a.Service != "iam" || a.Account != c.s.dir.Account().ID || kind != "user" && kind != "role" {
			continue // another account's, or a session's: not bound
		}
		id, err := c.entityID(tx, kind, arn)
		if errors.Is(err, store.ErrNotFound) {
			return nil, awserr.MalformedPolicyDocument.Err(`Invalid principal in policy: "AWS":"%s"`, arn)
		} else if err != nil {
			return nil, err
		}
		if bound == nil {
			bound = map[string]string{}
		}
		bound[arn] = id
	}
	return bound, nil
}

// entityID is the unique id of the user or role whose ARN is exactly arn.
func (c *call) entityID(tx *store.Tx, kind, arn string) (string, error) {
	name := arn[strings.LastIndex(arn, "/")+1:]
	if kind == "user" {
		u, err := users(tx).Get(nameKey(name))
		if err == nil && c.s.dir.UserARN(u.Path, u.Name) != arn {
			err = store.ErrNotFound
		}
		if err != nil {
			return "", err
		}
		return u.ID, nil
	}
	r, err := roles(tx).Get(nameKey(name))
	if err == nil && c.s.dir.RoleARN(r.Path, r.Name) != arn {
		err = store.ErrNotFound
	}
	if err != nil {
		return "", err
	}
	return r.ID, nil
}

// unbindTrusts runs as the user or role arn (unique id id) is deleted:
// every trust policy bound to it shows the id in place of the ARN, which
// no one made later matches. The binding stays: the text may write the
// ARN in a way the rewrite does not find (escaped slashes), and without
// the binding the ARN would match by name again.
func unbindTrusts(tx *store.Tx, arn, id string) error {
	bound, _, err := roles(tx).List("", 0, func(r *roleRec) bool { return r.TrustIDs[arn] == id })
	if err != nil {
		return err
	}
	for _, r := range bound {
		r.AssumeRolePolicy = strings.ReplaceAll(r.AssumeRolePolicy, `"`+arn+`"`, `"`+id+`"`)
		if err := roles(tx).Put(nameKey(r.Name), r); err != nil {
			return err
		}
	}
	return nil
}
