package iamapi

// Attaching managed policies: Attach/Detach{User,Group,Role}Policy,
// ListAttached{User,Group,Role}Policies, ListEntitiesForPolicy. The
// attachment is kept in the user's, group's or role's record (the ARNs of
// its managed policies), so a policy's attachments are found by a scan of
// the three tables: fine at IAM's scale, and nothing to keep in step.

import (
	"slices"
	"strings"

	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/identity"
	"github.com/fsxd/fsxd/store"
)

// attachOwner is a user, group or role, as far as managed policies go.
type attachOwner struct {
	quota  string // PoliciesPerUser, ...
	target func(c *call) (name, arn string, err error)
	// load returns the owner's attached ARNs and a function storing them.
	load func(tx *store.Tx, name string) ([]string, func([]string) error, error)
}

var (
	userAttach = attachOwner{quota: "PoliciesPerUser",
		target: func(c *call) (string, string, error) {
			if _, err := c.f.required(pUserName); err != nil {
				return "", "", err
			}
			return c.targetUser()
		},
		load: func(tx *store.Tx, name string) ([]string, func([]string) error, error) {
			u, err := getUser(tx, name)
			if err != nil {
				return nil, nil, err
			}
			return u.ManagedPolicies, func(arns []string) error { u.ManagedPolicies = arns; return users(tx).Put(nameKey(u.Name), u) }, nil
		}}
	groupAttach = attachOwner{quota: "PoliciesPerGroup",
		target: func(c *call) (string, string, error) { return c.targetGroup() },
		load: func(tx *store.Tx, name string) ([]string, func([]string) error, error) {
			g, err := getGroup(tx, name)
			if err != nil {
				return nil, nil, err
			}
			return g.ManagedPolicies, func(arns []string) error { g.ManagedPolicies = arns; return groups(tx).Put(nameKey(g.Name), g) }, nil
		}}
	roleAttach = attachOwner{quota: "PoliciesPerRole",
		target: func(c *call) (string, string, error) { return c.targetRole() },
		load: func(tx *store.Tx, name string) ([]string, func([]string) error, error) {
			r, err := getRole(tx, name)
			if err != nil {
				return nil, nil, err
			}
			return r.ManagedPolicies, func(arns []string) error { r.ManagedPolicies = arns; return roles(tx).Put(nameKey(r.Name), r) }, nil
		}}
)

const maxAttached = identity.MaxAttachedPolicies

// changeAttached authorizes action on the owner the request names and
// replaces its attached ARNs with what fn makes of them and PolicyArn; a
// nil result leaves them as they are.
func (c *call) changeAttached(o *attachOwner, action string, fn func(tx *store.Tx, arns []string, arn string) ([]string, error)) error {
	name, ownerARN, err := o.target(c)
	if err != nil {
		return err
	}
	arn, err := c.policyARN()
	if err != nil {
		return err
	}
	// iam:PolicyARN lets a policy say which policies may be attached, the
	// usual guard against a user attaching itself more rights.
	if err := c.authorizeWith(action, ownerARN, map[string][]string{"iam:PolicyARN": {arn}}); err != nil {
		return err
	}
	return c.s.dir.Store().Update(c.ctx, func(tx *store.Tx) error {
		arns, save, err := o.load(tx, name)
		if err != nil {
			return err
		}
		after, err := fn(tx, arns, arn)
		if err != nil || after == nil {
			return err
		}
		return save(after)
	})
}

// attach adds PolicyArn; attaching twice is not an error on IAM.
func (c *call) attach(o *attachOwner, action string) (any, error) {
	return nil, c.changeAttached(o, action, func(tx *store.Tx, arns []string, arn string) ([]string, error) {
		if _, err := c.loadPolicy(tx, arn); err != nil {
			return nil, err
		}
		switch {
		case slices.Contains(arns, arn):
			return nil, nil
		case len(arns) >= maxAttached:
			return nil, awserr.LimitExceeded.Err("Cannot exceed quota for %s: %d", o.quota, maxAttached)
		}
		return append(arns, arn), nil
	})
}

func (c *call) detach(o *attachOwner, action string) (any, error) {
	return nil, c.changeAttached(o, action, func(_ *store.Tx, arns []string, arn string) ([]string, error) {
		i := slices.Index(arns, arn)
		if i < 0 {
			return nil, awserr.NoSuchEntity.Err("Policy %s was not found.", arn)
		}
		return slices.Delete(slices.Clone(arns), i, i+1), nil
	})
}

type attachedPolicyXML struct {
	PolicyName string
	PolicyArn  string
}

type listAttachedResult struct {
	AttachedPolicies members[attachedPolicyXML]
	IsTruncated      bool
	Marker           string `xml:",omitempty"`
}

func (c *call) listAttached(o *attachOwner, action string) (any, error) {
	name, ownerARN, err := o.target(c)
	if err != nil {
		return nil, err
	}
	prefix, err := c.f.optional(pPolicyPrefix, "/")
	if err != nil {
		return nil, err
	}
	pg, err := c.page()
	if err != nil {
		return nil, err
	}
	if err := c.authorize(action, ownerARN); err != nil {
		return nil, err
	}
	var all []attachedPolicyXML
	err = c.s.dir.Store().View(c.ctx, func(tx *store.Tx) error {
		arns, _, err := o.load(tx, name)
		for _, arn := range arns {
			if p, err := c.s.dir.PolicyByARN(tx, arn); err == nil && strings.HasPrefix(p.Path, prefix) {
				all = append(all, attachedPolicyXML{PolicyName: p.Name, PolicyArn: arn})
			}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	var res listAttachedResult
	res.AttachedPolicies.Member, res.IsTruncated, res.Marker = pageOf(all, pg, func(a attachedPolicyXML) string { return nameKey(a.PolicyName) })
	return res, nil
}

// attachmentCount is how many users, groups and roles have arn attached.
func attachmentCount(tx *store.Tx, arn string) (int, error) {
	counts, err := attachmentCounts(tx)
	return counts[arn], err
}

// attachmentCounts counts the attachments of every policy, by ARN.
func attachmentCounts(tx *store.Tx) (map[string]int, error) {
	counts := map[string]int{}
	err := scanOwners(tx, func(_, _, _, _ string, arns []string) {
		for _, a := range arns {
			counts[a]++
		}
	})
	return counts, err
}

// scanOwners calls fn for every group, user and role (kind "Group",
// "User", "Role") with its attached ARNs.
func scanOwners(tx *store.Tx, fn func(kind, path, name, id string, arns []string)) error {
	if err := scan(groups(tx), func(g *groupRec) { fn("Group", g.Path, g.Name, g.ID, g.ManagedPolicies) }); err != nil {
		return err
	}
	if err := scan(users(tx), func(u *userRec) { fn("User", u.Path, u.Name, u.ID, u.ManagedPolicies) }); err != nil {
		return err
	}
	return scan(roles(tx), func(r *roleRec) { fn("Role", r.Path, r.Name, r.ID, r.ManagedPolicies) })
}

// scan calls fn for every record of t.
func scan[T any](t store.Table[T], fn func(*T)) error {
	_, err := t.Count(func(v *T) bool { fn(v); return false })
	return err
}

type listEntitiesResult struct {
	PolicyGroups members[struct {
		GroupName string
		GroupID   string `xml:"GroupId"`
	}]
	PolicyUsers members[struct {
		UserName string
		UserID   string `xml:"UserId"`
	}]
	PolicyRoles members[struct {
		RoleName string
		RoleID   string `xml:"RoleId"`
	}]
	IsTruncated bool
	Marker      string `xml:",omitempty"`
}

// entity is one row of ListEntitiesForPolicy, sorted by kind then name.
type entity struct{ kind, name, id string }

func (c *call) listEntitiesForPolicy() (any, error) {
	filter := c.f["EntityFilter"]
	switch filter {
	case "", "User", "Group", "Role", "LocalManagedPolicy", "AWSManagedPolicy":
	default:
		return nil, invalid("entityFilter", filter, "Member must satisfy enum value set: [LocalManagedPolicy, Role, Group, User, AWSManagedPolicy]")
	}
	prefix, err := c.f.optional(pPathPrefix, "/")
	if err != nil {
		return nil, err
	}
	pg, err := c.page()
	if err != nil {
		return nil, err
	}
	_, _, err = c.readPolicy("iam:ListEntitiesForPolicy")
	if err != nil {
		return nil, err
	}
	arn := c.f["PolicyArn"]
	var all []entity
	err = c.s.dir.Store().View(c.ctx, func(tx *store.Tx) error {
		return scanOwners(tx, func(kind, path, name, id string, arns []string) {
			if (filter == "" || filter == kind) && strings.HasPrefix(path, prefix) && slices.Contains(arns, arn) {
				all = append(all, entity{kind, name, id})
			}
		})
	})
	if err != nil {
		return nil, err
	}
	list, truncated, marker := pageOf(all, pg, func(e entity) string { return e.kind + "/" + nameKey(e.name) })
	return entitiesXML(list, truncated, marker), nil
}

func entitiesXML(list []entity, truncated bool, marker string) listEntitiesResult {
	res := listEntitiesResult{IsTruncated: truncated, Marker: marker}
	for _, e := range list {
		switch e.kind {
		case "Group":
			res.PolicyGroups.Member = append(res.PolicyGroups.Member, struct {
				GroupName string
				GroupID   string `xml:"GroupId"`
			}{e.name, e.id})
		case "User":
			res.PolicyUsers.Member = append(res.PolicyUsers.Member, struct {
				UserName string
				UserID   string `xml:"UserId"`
			}{e.name, e.id})
		default:
			res.PolicyRoles.Member = append(res.PolicyRoles.Member, struct {
				RoleName string
				RoleID   string `xml:"RoleId"`
			}{e.name, e.id})
		}
	}
	return res
}

func (c *call) attachUserPolicy() (any, error) { return c.attach(&userAttach, "iam:AttachUserPolicy") }
func (c *call) detachUserPolicy() (any, error) { return c.detach(&userAttach, "iam:DetachUserPolicy") }
func (c *call) attachGroupPolicy() (any, error) {
	return c.attach(&groupAttach, "iam:AttachGroupPolicy")
}
func (c *call) detachGroupPolicy() (any, error) {
	return c.detach(&groupAttach, "iam:DetachGroupPolicy")
}
func (c *call) attachRolePolicy() (any, error) { return c.attach(&roleAttach, "iam:AttachRolePolicy") }
func (c *call) detachRolePolicy() (any, error) { return c.detach(&roleAttach, "iam:DetachRolePolicy") }
func (c *call) listAttachedUserPolicies() (any, error) {
	return c.listAttached(&userAttach, "iam:ListAttachedUserPolicies")
}
func (c *call) listAttachedGroupPolicies() (any, error) {
	return c.listAttached(&groupAttach, "iam:ListAttachedGroupPolicies")
}
func (c *call) listAttachedRolePolicies() (any, error) {
	return c.listAttached(&roleAttach, "iam:ListAttachedRolePolicies")
}
