package identity

import (
	"fmt"

	"github.com/fsxd/fsxd/store"
)

// Role quotas and defaults, as AWS's.
const (
	MaxRolePolicySize         = 10240 // aggregate of a role's inline policies
	MaxTrustPolicySize        = 2048  // a role's trust policy, whitespace not counted (IAM's ACLSizePerRole)
	DefaultMaxSessionDuration = 3600  // seconds
)

// Role and Session are the store's records.
type (
	Role    = store.IAMRole
	Session = store.IAMSession
)

// Roles and Sessions are the tables in tx.
func Roles(tx *store.Tx) store.Table[Role]       { return store.IAMRoles.In(tx) }
func Sessions(tx *store.Tx) store.Table[Session] { return store.IAMSessions.In(tx) }

// RoleARN is the ARN of the role name under path.
func (d *Directory) RoleARN(path, name string) string { return d.arn("role", path, name) }

// AssumedRoleARN is a role session's ARN, as STS names it (no path).
func (d *Directory) AssumedRoleARN(role, session string) string {
	return fmt.Sprintf("arn:%s:sts::%s:assumed-role/%s/%s", d.cfg.Account.Partition, d.cfg.Account.ID, role, session)
}

// tagMap is a record's tags as the principal carries them.
func tagMap(tags []Tag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m
}

// FederatedUserARN is a GetFederationToken session's ARN.
func (d *Directory) FederatedUserARN(name string) string {
	return fmt.Sprintf("arn:%s:sts::%s:federated-user/%s", d.cfg.Account.Partition, d.cfg.Account.ID, name)
}
