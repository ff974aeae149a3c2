package iamapi

// CreateAccessKey, ListAccessKeys, UpdateAccessKey, DeleteAccessKey.

import (
	"errors"
	"slices"

	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/store"
)

type accessKeyXML struct {
	UserName        string `xml:",omitempty"`
	AccessKeyID     string `xml:"AccessKeyId"`
	Status          string
	SecretAccessKey string `xml:",omitempty"`
	CreateDate      string `xml:",omitempty"`
}

func noKey(id string) *awserr.Error {
	return awserr.NoSuchEntity.Err("The Access Key with id %s cannot be found.", id)
}

func (c *call) createAccessKey() (any, error) {
	name, arn, err := c.targetUser()
	if err != nil {
		return nil, err
	}
	if err := c.authorize("iam:CreateAccessKey", arn); err != nil {
		return nil, err
	}
	if c.s.dir.Secrets() == nil {
		// Never fall back to storing the secret in the clear.
		return nil, awserr.ServiceFailure.Err("No master key is configured for sealing secrets.")
	}
	secret := newSecret()
	k := &keyRec{ID: randomID("AKIA", 16), Status: statusActive, Created: c.s.now()}
	k.Sealed = c.s.dir.Secrets().Seal(secret, k.ID)
	err = c.s.dir.Store().Update(c.ctx, func(tx *store.Tx) error {
		u, err := getUser(tx, name)
		if err != nil {
			return err
		}
		if len(u.Keys) >= maxKeysPerUser {
			return awserr.LimitExceeded.Err("Cannot exceed quota for AccessKeysPerUser: %d", maxKeysPerUser)
		}
		k.User = u.Name
		if err := keys(tx).Insert(k.ID, k); err != nil {
			return err // ErrExists: 80 random bits collided; the client retries
		}
		u.Keys = append(u.Keys, k.ID)
		return users(tx).Put(nameKey(u.Name), u)
	})
	if err != nil {
		return nil, err
	}
	return struct{ AccessKey accessKeyXML }{accessKeyXML{
		UserName: k.User, AccessKeyID: k.ID, Status: k.Status, SecretAccessKey: secret, CreateDate: isoTime(k.Created),
	}}, nil
}

type listAccessKeysResult struct {
	AccessKeyMetadata members[accessKeyXML]
	IsTruncated       bool
	Marker            string `xml:",omitempty"`
}

func (c *call) listAccessKeys() (any, error) {
	pg, err := c.page()
	if err != nil {
		return nil, err
	}
	if !c.f.has("UserName") && c.caller.IsRoot {
		// The root user's key is set in fsxd's configuration, not
		// stored here; the caller's own key is the one to show.
		if err := c.authorize("iam:ListAccessKeys", c.caller.ARN); err != nil {
			return nil, err
		}
		var res listAccessKeysResult
		res.AccessKeyMetadata.Member = []accessKeyXML{{AccessKeyID: c.caller.AccessKeyID, Status: statusActive}}
		return res, nil
	}
	name, arn, err := c.targetUser()
	if err != nil {
		return nil, err
	}
	if err := c.authorize("iam:ListAccessKeys", arn); err != nil {
		return nil, err
	}
	var list []accessKeyXML
	err = c.s.dir.Store().View(c.ctx, func(tx *store.Tx) error {
		u, err := getUser(tx, name)
		if err != nil {
			return err
		}
		for _, id := range u.Keys {
			k, err := keys(tx).Get(id)
			if err != nil {
				return err
			}
			list = append(list, accessKeyXML{UserName: k.User, AccessKeyID: k.ID, Status: k.Status, CreateDate: isoTime(k.Created)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var res listAccessKeysResult
	res.AccessKeyMetadata.Member, res.IsTruncated, res.Marker = pageOf(list, pg, func(k accessKeyXML) string { return k.AccessKeyID })
	return res, nil
}

func (c *call) updateAccessKey() (any, error) {
	id, err := c.f.required(pAccessKeyID)
	if err != nil {
		return nil, err
	}
	status, ok := c.f["Status"]
	switch {
	case !ok:
		return nil, awserr.ValidationError.Err("1 validation error detected: Value null at 'status' failed to satisfy constraint: Member must not be null")
	case status != statusActive && status != statusInactive:
		return nil, invalid("status", status, "Member must satisfy enum value set: [Active, Inactive]")
	}
	return nil, c.changeKey("iam:UpdateAccessKey", id, func(tx *store.Tx, u *userRec, k *keyRec) error {
		k.Status = status
		return keys(tx).Put(k.ID, k)
	})
}

func (c *call) deleteAccessKey() (any, error) {
	id, err := c.f.required(pAccessKeyID)
	if err != nil {
		return nil, err
	}
	return nil, c.changeKey("iam:DeleteAccessKey", id, func(tx *store.Tx, u *userRec, k *keyRec) error {
		u.Keys = slices.DeleteFunc(u.Keys, func(s string) bool { return s == k.ID })
		if err := users(tx).Put(nameKey(u.Name), u); err != nil {
			return err
		}
		return keys(tx).Delete(k.ID)
	})
}

// changeKey authorizes action on the key's user (UserName, defaulting to
// the caller) and runs fn on the key, which must be that user's. The
// store's generation moves on commit, so LookupKey sees the change at
// once.
func (c *call) changeKey(action, id string, fn func(*store.Tx, *userRec, *keyRec) error) error {
	name, arn, err := c.targetUser()
	if err != nil {
		return err
	}
	if err := c.authorize(action, arn); err != nil {
		return err
	}
	return c.s.dir.Store().Update(c.ctx, func(tx *store.Tx) error {
		u, err := getUser(tx, name)
		if err != nil {
			return err
		}
		k, err := keys(tx).Get(id)
		if errors.Is(err, store.ErrNotFound) || err == nil && nameKey(k.User) != nameKey(u.Name) {
			return noKey(id)
		} else if err != nil {
			return err
		}
		return fn(tx, u, k)
	})
}
