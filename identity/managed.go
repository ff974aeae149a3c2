package identity

// Customer managed policies. A policy is stored once, under its name; the
// users, groups and roles it is attached to name it by ARN in their own
// records, so the per-request lookup (IdentityPolicies) reads one record
// per principal plus one per attached policy.

import (
	"errors"
	"fmt"
	"strings"

	"github.com/fsxd/fsxd/store"
)

// Managed policy quotas, as AWS's defaults.
const (
	MaxPolicyVersions    = 5
	MaxManagedPolicySize = 6144 // characters, whitespace not counted
	MaxAttachedPolicies  = 10   // per user, group or role
)

// ManagedPolicy and PolicyVersion are the store's records.
type (
	ManagedPolicy = store.IAMPolicy
	PolicyVersion = store.IAMPolicyVersion
)

// Policies is the managed policy table in tx (key: NameKey of the name).
func Policies(tx *store.Tx) store.Table[ManagedPolicy] { return store.IAMPolicies.In(tx) }

// PolicyARN is the ARN of the managed policy name under path.
func (d *Directory) PolicyARN(path, name string) string { return d.arn("policy", path, name) }

// PolicyByARN reads the managed policy arn names: store.ErrNotFound when
// the ARN is not this account's policy ARN or names none (a policy
// deleted and created again under another path included).
func (d *Directory) PolicyByARN(tx *store.Tx, arn string) (*ManagedPolicy, error) {
	prefix := d.arn("policy", "/", "")
	if !strings.HasPrefix(arn, prefix) {
		return nil, store.ErrNotFound
	}
	name := arn[strings.LastIndex(arn, "/")+1:]
	p, err := Policies(tx).Get(NameKey(name))
	if err != nil {
		return nil, err
	}
	if d.PolicyARN(p.Path, p.Name) != arn {
		return nil, store.ErrNotFound
	}
	return p, nil
}

// Version returns the version id of p, or nil.
func Version(p *ManagedPolicy, id string) *PolicyVersion {
	for i := range p.Versions {
		if p.Versions[i].ID == id {
			return &p.Versions[i]
		}
	}
	return nil
}

// managedTexts returns the default versions of the policies arns name;
// an ARN that names no policy (deleted since) contributes nothing.
func (d *Directory) managedTexts(tx *store.Tx, arns []string) ([]string, error) {
	var out []string
	for _, arn := range arns {
		p, err := d.PolicyByARN(tx, arn)
		if errors.Is(err, store.ErrNotFound) {
			continue
		} else if err != nil {
			return nil, err
		}
		v := Version(p, p.DefaultVersion)
		if v == nil {
			return nil, fmt.Errorf("identity: policy %s has no default version %s", arn, p.DefaultVersion)
		}
		out = append(out, v.Document)
	}
	return out, nil
}
