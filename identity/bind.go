package identity

import (
	"errors"
	"strings"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/policy"
	"github.com/fsxd/fsxd/store"
)

// A resource policy (a role's trust policy, an access point policy) names
// users and roles by ARN, but means the user or role that had the ARN when
// the policy was saved: AWS records the unique id, and one deleted and made
// again under the same name is someone else. Bind gives the ids to record
// beside the policy, for policy.Request.Bound. A policy may also name a
// user or role by its unique id (IAM shows a deleted one's id in place of
// its ARN); one that no user or role has is refused, as AWS refuses the
// policy it shows until the id is removed.

// Bind returns the unique ids of the users and roles of this account that
// doc names by ARN; nil if it names none. Other accounts' ARNs and STS
// session ARNs are left unbound. An ARN or unique id that names no user or
// role of this account is a *policy.UnknownPrincipalError.
func (d *Directory) Bind(tx *store.Tx, doc *policy.Document) (map[string]string, error) {
	for _, id := range doc.PrincipalIDs() {
		if err := idExists(tx, id); err != nil {
			return nil, err
		}
	}
	var bound map[string]string
	for _, arn := range doc.PrincipalARNs() {
		a, ok := fsxd.ParseARN(arn)
		kind, _, _ := strings.Cut(a.Resource, "/")
		if !ok || a.Service != "iam" || a.Account != d.cfg.Account.ID || kind != "user" && kind != "role" {
			continue
		}
		id, err := d.entityID(tx, kind, arn)
		if errors.Is(err, store.ErrNotFound) {
			return nil, &policy.UnknownPrincipalError{Principal: arn}
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
func (d *Directory) entityID(tx *store.Tx, kind, arn string) (string, error) {
	name := NameKey(arn[strings.LastIndex(arn, "/")+1:])
	var id, at string
	if kind == "user" {
		u, err := Users(tx).Get(name)
		if err != nil {
			return "", err
		}
		id, at = u.ID, d.UserARN(u.Path, u.Name)
	} else {
		r, err := Roles(tx).Get(name)
		if err != nil {
			return "", err
		}
		id, at = r.ID, d.RoleARN(r.Path, r.Name)
	}
	if at != arn { // another path: not the one named
		return "", store.ErrNotFound
	}
	return id, nil
}

// idExists: a user (AIDA...) or role (AROA...) has unique id id. Ids are not
// keyed, so this reads every user or role; it runs only when a policy that
// names ids is saved.
func idExists(tx *store.Tx, id string) error {
	var n int
	var err error
	if strings.HasPrefix(id, "AIDA") {
		n, err = Users(tx).Count(func(u *User) bool { return u.ID == id })
	} else {
		n, err = Roles(tx).Count(func(r *Role) bool { return r.ID == id })
	}
	if err == nil && n == 0 {
		err = &policy.UnknownPrincipalError{Principal: id}
	}
	return err
}
