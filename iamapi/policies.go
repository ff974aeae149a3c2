package iamapi

// Inline policies of users and groups: Put/Get/List/Delete{User,Group}Policy
// share one implementation over a policyOwner.

import (
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/identity"
	"github.com/fsxd/fsxd/policy"
	"github.com/fsxd/fsxd/store"
)

// policyOwner is a user or a group, as far as inline policies go.
type policyOwner struct {
	what      string // "user" | "group", for messages and result names
	nameParam param
	limit     int // aggregate size of the owner's inline policies
	// target returns the owner's name and ARN to authorize.
	target func(c *call) (name, arn string, err error)
	// load returns the owner's name as created, its policies, and a
	// function storing them back.
	load func(tx *store.Tx, name string) (string, map[string]string, func(map[string]string) error, error)
}

var userPolicies = policyOwner{
	what: "user", nameParam: pUserName, limit: maxUserPolicySize,
	target: func(c *call) (string, string, error) { return c.targetUser() },
	load: func(tx *store.Tx, name string) (string, map[string]string, func(map[string]string) error, error) {
		u, err := getUser(tx, name)
		if err != nil {
			return "", nil, nil, err
		}
		return u.Name, u.Policies, func(m map[string]string) error {
			u.Policies = m
			return users(tx).Put(nameKey(u.Name), u)
		}, nil
	},
}

var groupPolicies = policyOwner{
	what: "group", nameParam: pGroupName, limit: maxGroupPolicySize,
	target: func(c *call) (string, string, error) { return c.targetGroup() },
	load: func(tx *store.Tx, name string) (string, map[string]string, func(map[string]string) error, error) {
		g, err := getGroup(tx, name)
		if err != nil {
			return "", nil, nil, err
		}
		return g.Name, g.Policies, func(m map[string]string) error {
			g.Policies = m
			return groups(tx).Put(nameKey(g.Name), g)
		}, nil
	},
}

var rolePolicies = policyOwner{
	what: "role", nameParam: pRoleName, limit: identity.MaxRolePolicySize,
	target: func(c *call) (string, string, error) { return c.targetRole() },
	load: func(tx *store.Tx, name string) (string, map[string]string, func(map[string]string) error, error) {
		r, err := getRole(tx, name)
		if err != nil {
			return "", nil, nil, err
		}
		return r.Name, r.Policies, func(m map[string]string) error {
			r.Policies = m
			return roles(tx).Put(nameKey(r.Name), r)
		}, nil
	},
}

// parsePolicy validates an identity policy as IAM does when it is stored.
func parsePolicy(text string) (*policy.Document, error) {
	d, err := policy.ParseKind([]byte(text), policy.IdentityPolicy)
	if err != nil {
		return nil, awserr.MalformedPolicyDocument.Err("%s", err.Error())
	}
	return d, nil
}

// authorizeOwner resolves the owner the request names and authorizes
// action on it; it returns the owner's name.
func (c *call) authorizeOwner(o *policyOwner, action string) (string, error) {
	name, arn, err := o.target(c)
	if err != nil {
		return "", err
	}
	return name, c.authorize(action, arn)
}

func (o *policyOwner) noPolicy(name string) error {
	return awserr.NoSuchEntity.Err("The %s policy with name %s cannot be found.", o.what, name)
}

// put stores an inline policy, keeping the owner's policies within its
// aggregate size (whitespace not counted, as IAM).
func (c *call) putPolicy(o *policyOwner, action string) (any, error) {
	if _, err := c.f.required(o.nameParam); err != nil {
		return nil, err
	}
	pname, err := c.f.required(pPolicyName)
	if err != nil {
		return nil, err
	}
	text, err := c.f.required(pPolicyDocument)
	if err != nil {
		return nil, err
	}
	doc, err := parsePolicy(text)
	if err != nil {
		return nil, err
	}
	name, err := c.authorizeOwner(o, action)
	if err != nil {
		return nil, err
	}
	return nil, c.s.dir.Store().Update(c.ctx, func(tx *store.Tx) error {
		owner, m, save, err := o.load(tx, name)
		if err != nil {
			return err
		}
		size := doc.Size()
		for n, t := range m {
			if n != pname {
				size += policySize(t)
			}
		}
		if size > o.limit {
			return awserr.LimitExceeded.Err("Maximum policy size of %d bytes exceeded for %s %s", o.limit, o.what, owner)
		}
		if m == nil {
			m = map[string]string{}
		}
		m[pname] = text
		return save(m)
	})
}

// policySize is a stored document's size as IAM counts it.
func policySize(text string) int {
	if d, err := policy.ParseKind([]byte(text), policy.IdentityPolicy); err == nil {
		return d.Size()
	}
	return len(text)
}

type policyXML struct {
	UserName       string `xml:",omitempty"`
	GroupName      string `xml:",omitempty"`
	RoleName       string `xml:",omitempty"`
	PolicyName     string
	PolicyDocument string
}

func (c *call) getPolicy(o *policyOwner, action string) (any, error) {
	if _, err := c.f.required(o.nameParam); err != nil {
		return nil, err
	}
	pname, err := c.f.required(pPolicyName)
	if err != nil {
		return nil, err
	}
	name, err := c.authorizeOwner(o, action)
	if err != nil {
		return nil, err
	}
	var res policyXML
	err = c.s.dir.Store().View(c.ctx, func(tx *store.Tx) error {
		owner, m, _, err := o.load(tx, name)
		if err != nil {
			return err
		}
		text, ok := m[pname]
		if !ok {
			return o.noPolicy(pname)
		}
		res = policyXML{PolicyName: pname, PolicyDocument: urlEncode(text)}
		switch o.what {
		case "user":
			res.UserName = owner
		case "group":
			res.GroupName = owner
		default:
			res.RoleName = owner
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

type listPoliciesResult struct {
	PolicyNames members[string]
	IsTruncated bool
	Marker      string `xml:",omitempty"`
}

func (c *call) listPolicies(o *policyOwner, action string) (any, error) {
	if _, err := c.f.required(o.nameParam); err != nil {
		return nil, err
	}
	pg, err := c.page()
	if err != nil {
		return nil, err
	}
	name, err := c.authorizeOwner(o, action)
	if err != nil {
		return nil, err
	}
	var names []string
	err = c.s.dir.Store().View(c.ctx, func(tx *store.Tx) error {
		_, m, _, err := o.load(tx, name)
		for n := range m {
			names = append(names, n)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	var res listPoliciesResult
	res.PolicyNames.Member, res.IsTruncated, res.Marker = pageOf(names, pg, func(s string) string { return s })
	return res, nil
}

func (c *call) deletePolicy(o *policyOwner, action string) (any, error) {
	if _, err := c.f.required(o.nameParam); err != nil {
		return nil, err
	}
	pname, err := c.f.required(pPolicyName)
	if err != nil {
		return nil, err
	}
	name, err := c.authorizeOwner(o, action)
	if err != nil {
		return nil, err
	}
	return nil, c.s.dir.Store().Update(c.ctx, func(tx *store.Tx) error {
		_, m, save, err := o.load(tx, name)
		if err != nil {
			return err
		}
		if _, ok := m[pname]; !ok {
			return o.noPolicy(pname)
		}
		delete(m, pname)
		return save(m)
	})
}

func (c *call) putUserPolicy() (any, error) { return c.putPolicy(&userPolicies, "iam:PutUserPolicy") }
func (c *call) getUserPolicy() (any, error) { return c.getPolicy(&userPolicies, "iam:GetUserPolicy") }
func (c *call) listUserPolicies() (any, error) {
	return c.listPolicies(&userPolicies, "iam:ListUserPolicies")
}
func (c *call) deleteUserPolicy() (any, error) {
	return c.deletePolicy(&userPolicies, "iam:DeleteUserPolicy")
}

func (c *call) putGroupPolicy() (any, error) {
	return c.putPolicy(&groupPolicies, "iam:PutGroupPolicy")
}
func (c *call) getGroupPolicy() (any, error) {
	return c.getPolicy(&groupPolicies, "iam:GetGroupPolicy")
}
func (c *call) listGroupPolicies() (any, error) {
	return c.listPolicies(&groupPolicies, "iam:ListGroupPolicies")
}
func (c *call) deleteGroupPolicy() (any, error) {
	return c.deletePolicy(&groupPolicies, "iam:DeleteGroupPolicy")
}

func (c *call) putRolePolicy() (any, error) { return c.putPolicy(&rolePolicies, "iam:PutRolePolicy") }
func (c *call) getRolePolicy() (any, error) { return c.getPolicy(&rolePolicies, "iam:GetRolePolicy") }
func (c *call) listRolePolicies() (any, error) {
	return c.listPolicies(&rolePolicies, "iam:ListRolePolicies")
}
func (c *call) deleteRolePolicy() (any, error) {
	return c.deletePolicy(&rolePolicies, "iam:DeleteRolePolicy")
}
