package iamapi

// What IAM keeps in the store. Users and groups are keyed by their name in
// lower case, because IAM names are unique regardless of case ("Bob" and
// "bob" can't both exist); the record keeps the name as created. Inline
// policies and group memberships live in the user and group records so one
// read answers "what may this user do", the hot path of every request.

import (
	"crypto/rand"
	"encoding/base64"
	"strings"

	"github.com/fsxd/fsxd/store"
)

// Quotas, as AWS's defaults.
const (
	maxKeysPerUser     = 2
	maxGroupsPerUser   = 10
	maxTags            = 50
	maxUserPolicySize  = 2048 // aggregate of a user's inline policies
	maxGroupPolicySize = 5120 // aggregate of a group's inline policies
)

// The records are declared with the store's schema (store/records.go);
// these names keep this package's code short.
type (
	tag      = store.IAMTag
	userRec  = store.IAMUser
	groupRec = store.IAMGroup
	keyRec   = store.IAMKey
)

func users(tx *store.Tx) store.Table[userRec]   { return store.IAMUsers.In(tx) }
func groups(tx *store.Tx) store.Table[groupRec] { return store.IAMGroups.In(tx) }
func keys(tx *store.Tx) store.Table[keyRec]     { return store.IAMKeys.In(tx) }

func nameKey(name string) string { return strings.ToLower(name) }

// randomID is prefix + n characters of [A-Z2-7]: AWS's unique ids and
// access key ids are upper-case alphanumerics of this kind.
func randomID(prefix string, n int) string {
	var b strings.Builder
	b.WriteString(prefix)
	for b.Len() < len(prefix)+n {
		b.WriteString(rand.Text()) // 26 base32 characters
	}
	return b.String()[:len(prefix)+n]
}

// newSecret is a 40-character secret access key from the base64 alphabet,
// as AWS issues: 30 random bytes, 240 bits.
func newSecret() string {
	b := make([]byte, 30)
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// hasGroup reports whether u is a member of the group name (IAM names are
// unique regardless of case).
func hasGroup(u *userRec, name string) bool {
	for _, g := range u.Groups {
		if strings.EqualFold(g, name) {
			return true
		}
	}
	return false
}
