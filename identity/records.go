package identity

// What IAM keeps in the store. Users and groups are keyed by their name in
// lower case, because IAM names are unique regardless of case ("Bob" and
// "bob" can't both exist); the record keeps the name as created. Inline
// policies and group memberships live in the user and group records so one
// read answers "what may this user do", the hot path of every request.

import (
	"crypto/rand"
	"encoding/base64"
	"sort"
	"strings"

	"github.com/fsxd/fsxd/store"
)

// Quotas, as AWS's defaults.
const (
	MaxKeysPerUser     = 2
	MaxGroupsPerUser   = 10
	MaxTags            = 50
	MaxUserPolicySize  = 2048 // aggregate of a user's inline policies
	MaxGroupPolicySize = 5120 // aggregate of a group's inline policies
)

// Access key statuses.
const (
	StatusActive   = "Active"
	StatusInactive = "Inactive"
)

// The records are declared with the store's schema (store/records.go).
type (
	Tag       = store.IAMTag
	User      = store.IAMUser
	Group     = store.IAMGroup
	AccessKey = store.IAMKey
)

// Users, Groups and AccessKeys are the tables in tx.
func Users(tx *store.Tx) store.Table[User]           { return store.IAMUsers.In(tx) }
func Groups(tx *store.Tx) store.Table[Group]         { return store.IAMGroups.In(tx) }
func AccessKeys(tx *store.Tx) store.Table[AccessKey] { return store.IAMKeys.In(tx) }

// NameKey is the store key of a user or group name.
func NameKey(name string) string { return strings.ToLower(name) }

// RandomID is prefix + n characters of [A-Z2-7]: AWS's unique ids and
// access key ids are upper-case alphanumerics of this kind.
func RandomID(prefix string, n int) string {
	var b strings.Builder
	b.WriteString(prefix)
	for b.Len() < len(prefix)+n {
		b.WriteString(rand.Text()) // 26 base32 characters
	}
	return b.String()[:len(prefix)+n]
}

// NewSecret is a 40-character secret access key from the base64 alphabet,
// as AWS issues: 30 random bytes, 240 bits.
func NewSecret() string {
	b := make([]byte, 30)
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// HasGroup reports whether u is a member of the group name (IAM names are
// unique regardless of case).
func HasGroup(u *User, name string) bool {
	for _, g := range u.Groups {
		if strings.EqualFold(g, name) {
			return true
		}
	}
	return false
}

// SortedValues returns m's values in key order, so a principal's policies
// are always evaluated in the same order.
func SortedValues(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = m[k]
	}
	return out
}
