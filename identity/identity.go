// Package identity is fsxd's identity core: the IAM users, groups, access
// keys and policies kept in the store, and the two questions the rest of
// fsxd asks of them on every request: whose is this access key (LookupKey,
// for SigV4 in package auth) and what may this principal do
// (IdentityPolicies, for package authz). It speaks no protocol: the IAM and
// STS Query front end (package iamapi) edits the records through it.
//
// Both lookups are cached, each answer until a record it was computed
// from is written (cache.go), so a deactivated key or a changed policy
// takes effect at once on the node that made the change, and on the
// others as soon as their store reports the change.
package identity

import (
	"fmt"
	"time"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/secret"
	"github.com/fsxd/fsxd/store"
)

// Config is what the server gives the core.
type Config struct {
	Store   *store.Store
	Account fsxd.Account
	// Secrets seals and opens access key secrets; nil refuses to make
	// or open IAM keys (never a secret in the clear).
	Secrets *secret.Box
	// Root is the root user's key, set in fsxd's configuration rather
	// than stored; an empty ID disables it.
	Root RootKey
	Now  func() time.Time
}

// RootKey is the root user's access key.
type RootKey struct{ ID, Secret string }

// Directory is the identity core over one store.
type Directory struct {
	cfg    Config
	cache  cache
	parsed parsed
	scan   sessionScan // expire.go
}

// New returns the core.
func New(cfg Config) *Directory {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	d := &Directory{cfg: cfg, parsed: parsed{max: maxParsedBytes}}
	if cfg.Store != nil {
		cfg.Store.OnChange(store.IAMKinds, d.cache.drop)
	}
	return d
}

// Store is the store the records live in.
func (d *Directory) Store() *store.Store { return d.cfg.Store }

// Account is the account every principal belongs to.
func (d *Directory) Account() fsxd.Account { return d.cfg.Account }

// Secrets is the box sealing access key secrets, or nil.
func (d *Directory) Secrets() *secret.Box { return d.cfg.Secrets }

// UserARN is the ARN of the user name under path ("/" or "/a/b/").
func (d *Directory) UserARN(path, name string) string { return d.arn("user", path, name) }

// GroupARN is the ARN of the group name under path.
func (d *Directory) GroupARN(path, name string) string { return d.arn("group", path, name) }

// RootARN is the account's root user.
func (d *Directory) RootARN() string {
	return fmt.Sprintf("arn:%s:iam::%s:root", d.cfg.Account.Partition, d.cfg.Account.ID)
}

func (d *Directory) arn(kind, path, name string) string {
	return fmt.Sprintf("arn:%s:iam::%s:%s%s%s", d.cfg.Account.Partition, d.cfg.Account.ID, kind, path, name)
}
