package iamapi

// CreateRole, GetRole, ListRoles, UpdateRole, UpdateAssumeRolePolicy,
// DeleteRole. A role's trust policy (AssumeRolePolicyDocument) is a
// resource policy: it must name a Principal.

import (
	"errors"
	"strconv"

	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/identity"
	"github.com/fsxd/fsxd/policy"
	"github.com/fsxd/fsxd/store"
)

type roleRec = identity.Role

func roles(tx *store.Tx) store.Table[roleRec] { return identity.Roles(tx) }

type roleXML struct {
	Path                     string
	RoleName                 string
	RoleID                   string `xml:"RoleId"`
	Arn                      string
	CreateDate               string
	AssumeRolePolicyDocument string
	Description              string `xml:",omitempty"`
	MaxSessionDuration       int
	Tags                     *members[tagXML] `xml:",omitempty"`
}

func (s *Service) roleXML(r *roleRec, withTags bool) roleXML {
	x := roleXML{Path: r.Path, RoleName: r.Name, RoleID: r.ID, Arn: s.dir.RoleARN(r.Path, r.Name), CreateDate: isoTime(r.Created),
		AssumeRolePolicyDocument: urlEncode(r.AssumeRolePolicy), Description: r.Description, MaxSessionDuration: r.MaxSessionDuration}
	if withTags {
		x.Tags = tagsXML(r.Tags)
	}
	return x
}

func getRole(tx *store.Tx, name string) (*roleRec, error) {
	r, err := roles(tx).Get(nameKey(name))
	if errors.Is(err, store.ErrNotFound) {
		return nil, awserr.NoSuchEntity.Err("The role with name %s cannot be found.", name)
	}
	return r, err
}

// targetRole is targetUser for the RoleName parameter (required).
func (c *call) targetRole() (name, arn string, err error) {
	if name, err = c.f.required(pRoleName); err != nil {
		return "", "", err
	}
	path := "/"
	err = c.s.dir.Store().View(c.ctx, func(tx *store.Tx) error {
		if r, err := roles(tx).Get(nameKey(name)); err == nil {
			name, path = r.Name, r.Path
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		return nil
	})
	return name, c.s.dir.RoleARN(path, name), err
}

// trustPolicy validates a trust policy as IAM does
// (CreateRole's AssumeRolePolicyDocument, UpdateAssumeRolePolicy's
// PolicyDocument).
func (c *call) trustPolicy(p param) (string, *policy.Document, error) {
	text, err := c.f.required(p)
	if err != nil {
		return "", nil, err
	}
	doc, err := policy.ParseKind([]byte(text), policy.TrustPolicy)
	if err != nil {
		return "", nil, awserr.MalformedPolicyDocument.Err("%s", err.Error())
	}
	if doc.Size() > identity.MaxTrustPolicySize {
		return "", nil, awserr.LimitExceeded.Err("Cannot exceed quota for ACLSizePerRole: %d", identity.MaxTrustPolicySize)
	}
	return text, doc, nil
}

// maxSessionDuration reads MaxSessionDuration: 3600..43200 seconds.
func (c *call) maxSessionDuration(def int) (int, error) {
	v, ok := c.f["MaxSessionDuration"]
	if !ok {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	switch {
	case err != nil:
		return 0, invalid("maxSessionDuration", v, "Member must be a number")
	case n < 3600:
		return 0, invalid("maxSessionDuration", v, "Member must have value greater than or equal to 3600")
	case n > 43200:
		return 0, invalid("maxSessionDuration", v, "Member must have value less than or equal to 43200")
	}
	return n, nil
}

func (c *call) createRole() (any, error) {
	name, err := c.f.required(pRoleName)
	if err != nil {
		return nil, err
	}
	path, err := c.f.optional(pPath, "/")
	if err != nil {
		return nil, err
	}
	trust, trustDoc, err := c.trustPolicy(pAssumeRolePolicyDocument)
	if err != nil {
		return nil, err
	}
	desc, err := c.f.optional(pDescription, "")
	if err != nil {
		return nil, err
	}
	maxDur, err := c.maxSessionDuration(identity.DefaultMaxSessionDuration)
	if err != nil {
		return nil, err
	}
	tags, err := c.tags()
	if err != nil {
		return nil, err
	}
	if err := c.authorize("iam:CreateRole", c.s.dir.RoleARN(path, name)); err != nil {
		return nil, err
	}
	r := &roleRec{Name: name, Path: path, ID: randomID("AROA", 17), Created: c.s.now(), Description: desc,
		AssumeRolePolicy: trust, MaxSessionDuration: maxDur, Tags: tags}
	err = c.s.dir.Store().Update(c.ctx, func(tx *store.Tx) (err error) {
		if r.TrustIDs, err = c.bindTrust(tx, trustDoc); err != nil {
			return err
		}
		if err := roles(tx).Insert(nameKey(name), r); errors.Is(err, store.ErrExists) {
			return awserr.EntityAlreadyExists.Err("Role with name %s already exists.", name)
		} else if err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return struct{ Role roleXML }{c.s.roleXML(r, true)}, nil
}

func (c *call) getRole() (any, error) {
	name, arn, err := c.targetRole()
	if err != nil {
		return nil, err
	}
	if err := c.authorize("iam:GetRole", arn); err != nil {
		return nil, err
	}
	var r *roleRec
	err = c.s.dir.Store().View(c.ctx, func(tx *store.Tx) (err error) {
		r, err = getRole(tx, name)
		return err
	})
	if err != nil {
		return nil, err
	}
	return struct{ Role roleXML }{c.s.roleXML(r, true)}, nil
}

type listRolesResult struct {
	Roles       members[roleXML]
	IsTruncated bool
	Marker      string `xml:",omitempty"`
}

func (c *call) listRoles() (any, error) {
	list, truncated, marker, err := listByPath(c, "iam:ListRoles", roles,
		func(r *roleRec) (string, string) { return r.Path, r.Name })
	if err != nil {
		return nil, err
	}
	res := listRolesResult{IsTruncated: truncated, Marker: marker}
	for _, r := range list {
		res.Roles.Member = append(res.Roles.Member, c.s.roleXML(r, false))
	}
	return res, nil
}

// changeRole authorizes action on the role and runs fn on its record.
func (c *call) changeRole(action string, fn func(tx *store.Tx, r *roleRec) error) error {
	name, arn, err := c.targetRole()
	if err != nil {
		return err
	}
	if err := c.authorize(action, arn); err != nil {
		return err
	}
	return c.s.dir.Store().Update(c.ctx, func(tx *store.Tx) error {
		r, err := getRole(tx, name)
		if err != nil {
			return err
		}
		return fn(tx, r)
	})
}

func (c *call) updateRole() (any, error) {
	desc, hasDesc := c.f["Description"]
	if hasDesc {
		if err := pDescription.check(desc, ""); err != nil {
			return nil, err
		}
	}
	maxDur, err := c.maxSessionDuration(0)
	if err != nil {
		return nil, err
	}
	err = c.changeRole("iam:UpdateRole", func(tx *store.Tx, r *roleRec) error {
		if hasDesc {
			r.Description = desc
		}
		if maxDur != 0 {
			r.MaxSessionDuration = maxDur
		}
		return roles(tx).Put(nameKey(r.Name), r)
	})
	return struct{}{}, err
}

func (c *call) updateAssumeRolePolicy() (any, error) {
	if _, err := c.f.required(pRoleName); err != nil {
		return nil, err
	}
	trust, doc, err := c.trustPolicy(pPolicyDocument)
	if err != nil {
		return nil, err
	}
	return nil, c.changeRole("iam:UpdateAssumeRolePolicy", func(tx *store.Tx, r *roleRec) (err error) {
		if r.TrustIDs, err = c.bindTrust(tx, doc); err != nil {
			return err
		}
		r.AssumeRolePolicy = trust
		return roles(tx).Put(nameKey(r.Name), r)
	})
}

// deleteRole refuses while managed or inline policies remain, as IAM does. The
// role's sessions die with it: their keys no longer resolve.
func (c *call) deleteRole() (any, error) {
	return nil, c.changeRole("iam:DeleteRole", func(tx *store.Tx, r *roleRec) error {
		if len(r.ManagedPolicies) > 0 {
			return errDetachFirst()
		}
		if len(r.Policies) > 0 {
			return awserr.DeleteConflict.Err("Cannot delete entity, must delete policies first.")
		}
		if err := unbindPolicies(tx, c.s.dir.RoleARN(r.Path, r.Name), r.ID); err != nil {
			return err
		}
		return roles(tx).Delete(nameKey(r.Name))
	})
}
