package iamapi

// CreateUser, GetUser, ListUsers, DeleteUser.

import (
	"errors"
	"fmt"
	"strings"

	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/store"
)

type tagXML struct{ Key, Value string }

type userXML struct {
	Path       string `xml:",omitempty"`
	UserName   string `xml:",omitempty"`
	UserID     string `xml:"UserId"`
	Arn        string
	CreateDate string
	Tags       *members[tagXML] `xml:",omitempty"`
}

func (s *Service) userXML(u *userRec, withTags bool) userXML {
	x := userXML{Path: u.Path, UserName: u.Name, UserID: u.ID, Arn: s.dir.UserARN(u.Path, u.Name), CreateDate: isoTime(u.Created)}
	if withTags {
		x.Tags = tagsXML(u.Tags)
	}
	return x
}

// tagsXML renders tags as IAM does: no element at all when there are none.
func tagsXML(tags []tag) *members[tagXML] {
	if len(tags) == 0 {
		return nil
	}
	x := &members[tagXML]{}
	for _, t := range tags {
		x.Member = append(x.Member, tagXML(t))
	}
	return x
}

func noUser(name string) *awserr.Error {
	return awserr.NoSuchEntity.Err("The user with name %s cannot be found.", name)
}

// getUser reads a user in tx; NoSuchEntity if there is none.
func getUser(tx *store.Tx, name string) (*userRec, error) {
	u, err := users(tx).Get(nameKey(name))
	if errors.Is(err, store.ErrNotFound) {
		return nil, noUser(name)
	}
	return u, err
}

// targetUser resolves the UserName parameter, defaulting to the caller,
// and returns the name with the ARN to authorize. The ARN carries the
// user's path, which only the record knows; a user that doesn't exist is
// authorized as if its path were "/", so a caller without permission
// learns AccessDenied, not whether the user exists.
func (c *call) targetUser() (name, arn string, err error) {
	name, err = c.f.optional(pUserName, c.caller.UserName)
	if err != nil {
		return "", "", err
	}
	if name == "" {
		return "", "", awserr.ValidationError.Err("Must specify userName when calling with non-User credentials")
	}
	path := "/"
	err = c.s.dir.Store().View(c.ctx, func(tx *store.Tx) error {
		if u, err := users(tx).Get(nameKey(name)); err == nil {
			name, path = u.Name, u.Path // the ARN names it as created
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		return nil
	})
	return name, c.s.dir.UserARN(path, name), err
}

func (c *call) createUser() (any, error) {
	name, err := c.f.required(pUserName)
	if err != nil {
		return nil, err
	}
	path, err := c.f.optional(pPath, "/")
	if err != nil {
		return nil, err
	}
	tags, err := c.tags()
	if err != nil {
		return nil, err
	}
	if err := c.authorize("iam:CreateUser", c.s.dir.UserARN(path, name)); err != nil {
		return nil, err
	}
	u := &userRec{Name: name, Path: path, ID: randomID("AIDA", 17), Created: c.s.now(), Tags: tags}
	err = c.s.dir.Store().Update(c.ctx, func(tx *store.Tx) error {
		if err := users(tx).Insert(nameKey(name), u); errors.Is(err, store.ErrExists) {
			return awserr.EntityAlreadyExists.Err("User with name %s already exists.", name)
		} else if err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return struct{ User userXML }{c.s.userXML(u, true)}, nil
}

// tags reads Tags.member.N.Key/Value: at most 50, keys unique.
func (c *call) tags() ([]tag, error) {
	var out []tag
	seen := map[string]bool{}
	for i, m := range c.f.members("Tags", "Key", "Value") {
		t := tag{Key: m["Key"], Value: m["Value"]}
		if err := pTagKey.check(t.Key, fmt.Sprintf(pTagKey.msg, i+1)); err != nil {
			return nil, err
		}
		if err := pTagValue.check(t.Value, fmt.Sprintf(pTagValue.msg, i+1)); err != nil {
			return nil, err
		}
		if seen[strings.ToLower(t.Key)] {
			return nil, awserr.InvalidInput.Err("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		seen[strings.ToLower(t.Key)] = true
		out = append(out, t)
	}
	if len(out) > maxTags {
		return nil, awserr.LimitExceeded.Err("Cannot exceed quota for TagsPerUser: %d", maxTags)
	}
	c.reqTags = out
	return out, nil
}

func (c *call) getUser() (any, error) {
	if !c.f.has("UserName") && c.caller.IsRoot {
		// As AWS: the account's root user, which has no name or path.
		if err := c.authorize("iam:GetUser", c.caller.ARN); err != nil {
			return nil, err
		}
		return struct{ User userXML }{userXML{UserID: c.caller.AccountID, Arn: c.caller.ARN, CreateDate: isoTime(c.s.created)}}, nil
	}
	name, arn, err := c.targetUser()
	if err != nil {
		return nil, err
	}
	if err := c.authorize("iam:GetUser", arn); err != nil {
		return nil, err
	}
	var u *userRec
	err = c.s.dir.Store().View(c.ctx, func(tx *store.Tx) (err error) {
		u, err = getUser(tx, name)
		return err
	})
	if err != nil {
		return nil, err
	}
	return struct{ User userXML }{c.s.userXML(u, true)}, nil
}

type listUsersResult struct {
	Users       members[userXML]
	IsTruncated bool
	Marker      string `xml:",omitempty"`
}

func (c *call) listUsers() (any, error) {
	list, truncated, marker, err := listByPath(c, "iam:ListUsers", users,
		func(u *userRec) (string, string) { return u.Path, u.Name })
	if err != nil {
		return nil, err
	}
	res := listUsersResult{IsTruncated: truncated, Marker: marker}
	for _, u := range list {
		res.Users.Member = append(res.Users.Member, c.s.userXML(u, false))
	}
	return res, nil
}

func (c *call) deleteUser() (any, error) {
	name, err := c.f.required(pUserName)
	if err != nil {
		return nil, err
	}
	_, arn, err := c.targetUser()
	if err != nil {
		return nil, err
	}
	if err := c.authorize("iam:DeleteUser", arn); err != nil {
		return nil, err
	}
	return nil, c.s.dir.Store().Update(c.ctx, func(tx *store.Tx) error {
		u, err := getUser(tx, name)
		if err != nil {
			return err
		}
		switch {
		case len(u.Keys) > 0:
			return awserr.DeleteConflict.Err("Cannot delete entity, must delete access keys first.")
		case len(u.Policies) > 0:
			return awserr.DeleteConflict.Err("Cannot delete entity, must delete policies first.")
		case len(u.ManagedPolicies) > 0:
			return errDetachFirst()
		case len(u.Groups) > 0:
			return awserr.DeleteConflict.Err("Cannot delete entity, must remove users from group first.")
		}
		if err := unbindPolicies(tx, c.s.dir.UserARN(u.Path, u.Name), u.ID); err != nil {
			return err
		}
		return users(tx).Delete(nameKey(name))
	})
}

// errDetachFirst refuses to delete a user, group or role with managed
// policies attached, as IAM does.
func errDetachFirst() error {
	return awserr.DeleteConflict.Err("Cannot delete entity, must detach all policies first.")
}
