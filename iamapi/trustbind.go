package iamapi

// A trust policy's user and role ARNs are bound to their unique ids when it
// is saved (identity.Directory.Bind; one that names no one is refused, as
// IAM does), AssumeRole lets an ARN match only its bound id
// (policy.Request.Bound), and when the user or role is deleted the policy
// shows its id in place of the ARN, as IAM does. Access point policies are
// bound the same way (accesspoint.bindPolicy) and shown the same way after
// the deletion, as S3 shows a deleted principal in a bucket policy.

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
	bound, err := c.s.dir.Bind(tx, doc)
	var unknown *policy.UnknownPrincipalError
	if errors.As(err, &unknown) {
		return nil, awserr.MalformedPolicyDocument.Err("%s", unknown.Error())
	}
	return bound, err
}

// unbindPolicies runs as the user or role arn (unique id id) is deleted:
// every trust policy and access point policy bound to it shows the id in
// place of the ARN, which no one made later matches. The binding stays: the
// text may write the ARN in a way the rewrite does not find (escaped
// slashes), and without the binding the ARN would match by name again.
func unbindPolicies(tx *store.Tx, arn, id string) error {
	bound, _, err := roles(tx).List("", 0, func(r *roleRec) bool { return r.TrustIDs[arn] == id })
	if err != nil {
		return err
	}
	for _, r := range bound {
		r.AssumeRolePolicy = showID(r.AssumeRolePolicy, arn, id)
		if err := roles(tx).Put(nameKey(r.Name), r); err != nil {
			return err
		}
	}
	aps := store.Attachments.In(tx)
	named, _, err := aps.List("", 0, func(a *fsxd.Attachment) bool { return a.PolicyIDs[arn] == id })
	if err != nil {
		return err
	}
	for _, a := range named {
		a.Policy = showID(a.Policy, arn, id)
		if err := aps.Put(a.Name, a); err != nil {
			return err
		}
	}
	return nil
}

// showID writes id where policy names arn as a JSON string.
func showID(policy, arn, id string) string {
	return strings.ReplaceAll(policy, `"`+arn+`"`, `"`+id+`"`)
}
