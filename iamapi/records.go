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
	"time"

	"github.com/fsxd/fsxd/store"
)

// Store kinds.
const (
	KindUser  = "iam-user"  // key: lower-case user name
	KindGroup = "iam-group" // key: lower-case group name
	KindKey   = "iam-key"   // key: access key id
)

// Quotas, as AWS's defaults.
const (
	maxKeysPerUser     = 2
	maxGroupsPerUser   = 10
	maxTags            = 50
	maxUserPolicySize  = 2048 // aggregate of a user's inline policies
	maxGroupPolicySize = 5120 // aggregate of a group's inline policies
)

type tag struct{ Key, Value string }

type userRec struct {
	Name     string
	Path     string
	ID       string // AIDA...
	Created  time.Time
	Tags     []tag             `json:",omitempty"`
	Policies map[string]string `json:",omitempty"` // inline: name -> document as sent
	Groups   []string          `json:",omitempty"` // group names, as created
	Keys     []string          `json:",omitempty"` // access key ids
}

type groupRec struct {
	Name     string
	Path     string
	ID       string // AGPA...
	Created  time.Time
	Policies map[string]string `json:",omitempty"`
}

// keyRec is an access key. The secret is sealed (package secret) with the
// key id as associated data, so a stolen store file holds no usable
// secret and a sealed secret moved onto another key's record won't open.
type keyRec struct {
	ID      string
	User    string // user name, as created
	Sealed  string
	Status  string // Active | Inactive
	Created time.Time
}

func users(tx *store.Tx) store.Table[userRec]   { return store.TableOf[userRec](tx, KindUser) }
func groups(tx *store.Tx) store.Table[groupRec] { return store.TableOf[groupRec](tx, KindGroup) }
func keys(tx *store.Tx) store.Table[keyRec]     { return store.TableOf[keyRec](tx, KindKey) }

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

func (u *userRec) hasGroup(name string) bool {
	for _, g := range u.Groups {
		if strings.EqualFold(g, name) {
			return true
		}
	}
	return false
}
