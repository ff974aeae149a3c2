package iamapi

// The records and their rules belong to the identity core (package
// identity); these names keep this package's code short.

import (
	"github.com/fsxd/fsxd/identity"
	"github.com/fsxd/fsxd/store"
)

const (
	maxKeysPerUser     = identity.MaxKeysPerUser
	maxGroupsPerUser   = identity.MaxGroupsPerUser
	maxTags            = identity.MaxTags
	maxUserPolicySize  = identity.MaxUserPolicySize
	maxGroupPolicySize = identity.MaxGroupPolicySize
	statusActive       = identity.StatusActive
	statusInactive     = identity.StatusInactive
)

type (
	tag      = identity.Tag
	userRec  = identity.User
	groupRec = identity.Group
	keyRec   = identity.AccessKey
)

func users(tx *store.Tx) store.Table[userRec]   { return identity.Users(tx) }
func groups(tx *store.Tx) store.Table[groupRec] { return identity.Groups(tx) }
func keys(tx *store.Tx) store.Table[keyRec]     { return identity.AccessKeys(tx) }

var (
	nameKey   = identity.NameKey
	randomID  = identity.RandomID
	newSecret = identity.NewSecret
	hasGroup  = identity.HasGroup
)
