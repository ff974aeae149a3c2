package iamapi

// Groups and membership. Membership is kept in the user record (what the
// hot path reads); listing a group's users scans the users.

import (
	"errors"

	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/store"
)

type groupXML struct {
	Path       string
	GroupName  string
	GroupID    string `xml:"GroupId"`
	Arn        string
	CreateDate string
}

func (s *Service) groupXML(g *groupRec) groupXML {
	return groupXML{Path: g.Path, GroupName: g.Name, GroupID: g.ID, Arn: s.dir.GroupARN(g.Path, g.Name), CreateDate: isoTime(g.Created)}
}

func getGroup(tx *store.Tx, name string) (*groupRec, error) {
	g, err := groups(tx).Get(nameKey(name))
	if errors.Is(err, store.ErrNotFound) {
		return nil, awserr.NoSuchEntity.Err("The group with name %s cannot be found.", name)
	}
	return g, err
}

// targetGroup is targetUser for the GroupName parameter (required).
func (c *call) targetGroup() (name, arn string, err error) {
	if name, err = c.f.required(pGroupName); err != nil {
		return "", "", err
	}
	path := "/"
	err = c.s.dir.Store().View(c.ctx, func(tx *store.Tx) error {
		if g, err := groups(tx).Get(nameKey(name)); err == nil {
			name, path = g.Name, g.Path // the ARN names it as created
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		return nil
	})
	return name, c.s.dir.GroupARN(path, name), err
}

func (c *call) createGroup() (any, error) {
	name, err := c.f.required(pGroupName)
	if err != nil {
		return nil, err
	}
	path, err := c.f.optional(pPath, "/")
	if err != nil {
		return nil, err
	}
	if err := c.authorize("iam:CreateGroup", c.s.dir.GroupARN(path, name)); err != nil {
		return nil, err
	}
	g := &groupRec{Name: name, Path: path, ID: randomID("AGPA", 17), Created: c.s.now()}
	err = c.s.dir.Store().Update(c.ctx, func(tx *store.Tx) error {
		if err := groups(tx).Insert(nameKey(name), g); errors.Is(err, store.ErrExists) {
			return awserr.EntityAlreadyExists.Err("Group with name %s already exists.", name)
		} else if err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return struct{ Group groupXML }{c.s.groupXML(g)}, nil
}

type getGroupResult struct {
	Group       groupXML
	Users       members[userXML]
	IsTruncated bool
	Marker      string `xml:",omitempty"`
}

func (c *call) getGroup() (any, error) {
	pg, err := c.page()
	if err != nil {
		return nil, err
	}
	name, arn, err := c.targetGroup()
	if err != nil {
		return nil, err
	}
	if err := c.authorize("iam:GetGroup", arn); err != nil {
		return nil, err
	}
	var g *groupRec
	var list []*userRec
	err = c.s.dir.Store().View(c.ctx, func(tx *store.Tx) (err error) {
		if g, err = getGroup(tx, name); err != nil {
			return err
		}
		list, _, err = users(tx).List(pg.after, pg.max+1, func(u *userRec) bool { return hasGroup(u, name) })
		return err
	})
	if err != nil {
		return nil, err
	}
	res := getGroupResult{Group: c.s.groupXML(g)}
	list, res.IsTruncated, res.Marker = cut(list, pg.max, func(u *userRec) string { return nameKey(u.Name) })
	for _, u := range list {
		res.Users.Member = append(res.Users.Member, c.s.userXML(u, false))
	}
	return res, nil
}

type listGroupsResult struct {
	Groups      members[groupXML]
	IsTruncated bool
	Marker      string `xml:",omitempty"`
}

func (c *call) listGroups() (any, error) {
	list, truncated, marker, err := listByPath(c, "iam:ListGroups", groups,
		func(g *groupRec) (string, string) { return g.Path, g.Name })
	if err != nil {
		return nil, err
	}
	res := listGroupsResult{IsTruncated: truncated, Marker: marker}
	for _, g := range list {
		res.Groups.Member = append(res.Groups.Member, c.s.groupXML(g))
	}
	return res, nil
}

func (c *call) deleteGroup() (any, error) {
	name, arn, err := c.targetGroup()
	if err != nil {
		return nil, err
	}
	if err := c.authorize("iam:DeleteGroup", arn); err != nil {
		return nil, err
	}
	return nil, c.s.dir.Store().Update(c.ctx, func(tx *store.Tx) error {
		g, err := getGroup(tx, name)
		if err != nil {
			return err
		}
		n, err := users(tx).Count(func(u *userRec) bool { return hasGroup(u, name) })
		switch {
		case err != nil:
			return err
		case n > 0:
			return awserr.DeleteConflict.Err("Cannot delete entity, must remove users from group first.")
		case len(g.Policies) > 0:
			return awserr.DeleteConflict.Err("Cannot delete entity, must delete policies first.")
		case len(g.ManagedPolicies) > 0:
			return errDetachFirst()
		}
		return groups(tx).Delete(nameKey(name))
	})
}
