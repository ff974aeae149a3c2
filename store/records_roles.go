package store

import "time"

// IAMRole is an IAM role: who may assume it (the trust policy) and what
// its sessions may do (inline policies).
type IAMRole struct {
	Name             string    `json:"Name"` // as created
	Path             string    `json:"Path"`
	ID               string    `json:"ID"` // AROA...
	Created          time.Time `json:"Created"`
	Description      string    `json:"Description,omitempty"`
	AssumeRolePolicy string    `json:"AssumeRolePolicy"` // trust policy, as sent
	// TrustIDs binds the user and role ARNs the trust policy names to
	// their unique ids when it was saved (iamapi/trustbind.go).
	TrustIDs           map[string]string `json:"TrustIDs,omitempty"`
	MaxSessionDuration int               `json:"MaxSessionDuration"` // seconds
	Tags               []IAMTag          `json:"Tags,omitempty"`
	Policies           map[string]string `json:"Policies,omitempty"`        // inline: name -> document as sent
	ManagedPolicies    []string          `json:"ManagedPolicies,omitempty"` // attached: policy ARNs
}

// IAMSession is a set of temporary credentials (STS AssumeRole or
// GetSessionToken), kept in the store so every node of a cluster accepts
// them. The secret is sealed like an access key's; the session token is
// kept only as its SHA-256, since the token alone never signs.
type IAMSession struct {
	ID        string    `json:"ID"` // the temporary access key id, ASIA...
	Sealed    string    `json:"Sealed"`
	TokenHash string    `json:"TokenHash"` // hex SHA-256 of the session token
	Expires   time.Time `json:"Expires"`
	// Issued is when STS made the session (aws:TokenIssueTime); zero in
	// sessions stored before it was recorded.
	Issued time.Time `json:"Issued,omitzero"`
	// A role session names the role (and its id, so a role deleted and
	// created again under the name does not revive it) and the session;
	// a GetSessionToken session names the user (empty for root).
	RoleName    string `json:"RoleName,omitempty"`
	RoleID      string `json:"RoleID,omitempty"`
	SessionName string `json:"SessionName,omitempty"`
	UserName    string `json:"UserName,omitempty"`
	UserID      string `json:"UserID,omitempty"`
	Root        bool   `json:"Root,omitempty"`
	// SessionPolicy is the AssumeRole Policy parameter; the session may do
	// only what both it and the role's policies allow.
	SessionPolicy string `json:"SessionPolicy,omitempty"`
	// PolicyArns are the AssumeRole PolicyArns: managed session policies,
	// resolved (default version) when the session is used.
	PolicyArns []string `json:"PolicyArns,omitempty"`
	// FederatedName is GetFederationToken's Name (the session acts as
	// UserName, or root, narrowed to its session policies: with none, it
	// may do nothing).
	FederatedName string `json:"FederatedName,omitempty"`
}

// IAMPolicy is a customer managed policy with its versions (at most five).
// Which users, groups and roles it is attached to is kept in their
// records (ManagedPolicies), what the hot path reads.
type IAMPolicy struct {
	Name           string             `json:"Name"` // as created
	Path           string             `json:"Path"`
	ID             string             `json:"ID"` // ANPA...
	Created        time.Time          `json:"Created"`
	Updated        time.Time          `json:"Updated"`
	Description    string             `json:"Description,omitempty"`
	Tags           []IAMTag           `json:"Tags,omitempty"`
	DefaultVersion string             `json:"DefaultVersion"` // "v1", ...
	Versions       []IAMPolicyVersion `json:"Versions"`       // oldest first
	// LastVersion numbers the versions: IAM never reuses a version id,
	// even after DeletePolicyVersion.
	LastVersion int `json:"LastVersion"`
}

// IAMPolicyVersion is one version of a managed policy.
type IAMPolicyVersion struct {
	ID       string    `json:"ID"` // "v1", ...
	Document string    `json:"Document"`
	Created  time.Time `json:"Created"`
}
