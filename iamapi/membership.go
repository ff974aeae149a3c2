package iamapi

// AddUserToGroup, RemoveUserFromGroup, ListGroupsForUser.

import (
	"slices"
	"strings"

	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/store"
)

// changeMembership authorizes action on the group and runs fn on the
// user and group records in one transaction.
func (c *call) changeMembership(action string, fn func(u *userRec, g *groupRec) error) error {
	user, err := c.f.required(pUserName)
	if err != nil {
		return err
	}
	group, arn, err := c.targetGroup()
	if err != nil {
		return err
	}
	if err := c.authorize(action, arn); err != nil {
		return err
	}
	return c.s.dir.Store().Update(c.ctx, func(tx *store.Tx) error {
		g, err := getGroup(tx, group)
		if err != nil {
			return err
		}
		u, err := getUser(tx, user)
		if err != nil {
			return err
		}
		if err := fn(u, g); err != nil {
			return err
		}
		return users(tx).Put(nameKey(u.Name), u)
	})
}

func (c *call) addUserToGroup() (any, error) {
	return nil, c.changeMembership("iam:AddUserToGroup", func(u *userRec, g *groupRec) error {
		switch {
		case hasGroup(u, g.Name):
			return nil // as IAM: adding a member again succeeds
		case len(u.Groups) >= maxGroupsPerUser:
			return awserr.LimitExceeded.Err("Cannot exceed quota for GroupsPerUser: %d", maxGroupsPerUser)
		}
		u.Groups = append(u.Groups, g.Name)
		return nil
	})
}

func (c *call) removeUserFromGroup() (any, error) {
	return nil, c.changeMembership("iam:RemoveUserFromGroup", func(u *userRec, g *groupRec) error {
		if !hasGroup(u, g.Name) {
			return noUser(u.Name)
		}
		u.Groups = slices.DeleteFunc(u.Groups, func(n string) bool { return strings.EqualFold(n, g.Name) })
		return nil
	})
}

func (c *call) listGroupsForUser() (any, error) {
	if _, err := c.f.required(pUserName); err != nil {
		return nil, err
	}
	pg, err := c.page()
	if err != nil {
		return nil, err
	}
	name, arn, err := c.targetUser()
	if err != nil {
		return nil, err
	}
	if err := c.authorize("iam:ListGroupsForUser", arn); err != nil {
		return nil, err
	}
	var list []*groupRec
	err = c.s.dir.Store().View(c.ctx, func(tx *store.Tx) error {
		u, err := getUser(tx, name)
		if err != nil {
			return err
		}
		for _, gn := range u.Groups {
			g, err := getGroup(tx, gn)
			if err != nil {
				return err
			}
			list = append(list, g)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var res listGroupsResult
	list, res.IsTruncated, res.Marker = pageOf(list, pg, func(g *groupRec) string { return nameKey(g.Name) })
	for _, g := range list {
		res.Groups.Member = append(res.Groups.Member, c.s.groupXML(g))
	}
	return res, nil
}
