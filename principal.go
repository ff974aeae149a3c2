package fsxd

import (
	"strings"
	"time"
)

// Principal is who signed a request: the account's root user, an IAM
// user, or a role session (STS AssumeRole); any of them with temporary
// credentials (Temporary). Authentication names it (package auth), authorization and the
// policy evaluator read it (packages authz and policy), the identity core
// (package identity) builds it from its records.
type Principal struct {
	AccountID   string // "111122223333"
	ARN         string // arn:aws:iam::<acct>:root or arn:aws:iam::<acct>:user/<path><name>
	UserName    string // aws:username; empty for root
	UserID      string // aws:userid: unique id (root: the account id)
	AccessKeyID string // the key that signed; empty where no key is involved
	IsRoot      bool   // the account's root user
	// RoleARN and RoleName name a role session's role (ARN is then the
	// session's arn:aws:sts::<acct>:assumed-role/<role>/<session>, and
	// aws:PrincipalArn the role's ARN, as AWS sets it).
	RoleARN     string
	RoleName    string
	SessionName string
	// FederatedUser is the Name of an STS GetFederationToken session: ARN
	// is then arn:aws:sts::<acct>:federated-user/<name>, while UserName
	// and UserID still name the IAM user whose policies (intersected with
	// the session's) apply. Policies see aws:userid <acct>:<name> and no
	// aws:username, as on AWS.
	FederatedUser string
	// Temporary: signed with STS credentials, whose session token was
	// checked; the session's policy, if any, also limits the request.
	Temporary bool
	// TokenIssued is when a temporary session was issued
	// (aws:TokenIssueTime); zero for long-term keys and for sessions
	// stored before it was recorded.
	TokenIssued time.Time
	// Tags are the user's or role's tags (aws:PrincipalTag/<key>).
	Tags map[string]string
}

// EntityID is the unique id of the IAM user or role the principal acts as
// (AIDA..., AROA...), which a policy naming that user or role by unique id
// matches; "" for the root user and for federated users, which are neither.
func (p *Principal) EntityID() string {
	if p.IsRoot || p.FederatedUser != "" {
		return ""
	}
	if p.RoleARN != "" { // a role session's aws:userid is <role id>:<session>
		id, _, _ := strings.Cut(p.UserID, ":")
		return id
	}
	return p.UserID
}
