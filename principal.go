package fsxd

// Principal is who signed a request: the account's root user or an IAM
// user. Authentication names it (package auth), authorization and the
// policy evaluator read it (packages authz and policy), the identity core
// (package identity) builds it from its records.
type Principal struct {
	AccountID   string // "111122223333"
	ARN         string // arn:aws:iam::<acct>:root or arn:aws:iam::<acct>:user/<path><name>
	UserName    string // aws:username; empty for root
	UserID      string // aws:userid: unique id (root: the account id)
	AccessKeyID string // the key that signed; empty where no key is involved
	IsRoot      bool   // the account's root user
}
