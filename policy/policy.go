// Package policy is the IAM policy language: it parses policy documents into
// a form that can only be valid, and evaluates requests against them the way
// AWS does. It is pure: no I/O, no clock, no net/http. Callers (authz) load
// the documents and build the Request; this package only decides.
package policy

import "github.com/fsxd/fsxd"

// MaxAccessPointPolicySize is S3's limit on an access point policy, counted
// by Size (whitespace outside strings removed). Enforcing it is the caller's
// business: IAM identity policies have other limits.
const MaxAccessPointPolicySize = 20 * 1024

// Kind says where a document is attached, which decides whether it must name
// a principal.
type Kind int

const (
	// IdentityPolicy is attached to a user or role; the principal is
	// implicit, so Principal and NotPrincipal are forbidden.
	IdentityPolicy Kind = iota + 1
	// ResourcePolicy is attached to a resource (an access point); every
	// statement must say whom it applies to.
	ResourcePolicy
	// TrustPolicy is a role's AssumeRolePolicyDocument: a resource policy
	// whose resource is the role itself, so Resource is prohibited.
	TrustPolicy
)

// Decision is the outcome of evaluation. The zero value is Deny, so a
// forgotten assignment fails closed.
type Decision int

const (
	// Deny is the implicit deny: nothing allowed the request. For one
	// document it means "not applicable".
	Deny Decision = iota
	// Allow means some statement allowed and none denied.
	Allow
	// ExplicitDeny means a Deny statement matched; nothing overrides it.
	ExplicitDeny
)

func (d Decision) String() string {
	switch d {
	case Allow:
		return "Allow"
	case ExplicitDeny:
		return "ExplicitDeny"
	}
	return "Deny"
}

// Request is what is being attempted, by whom, with which condition keys.
type Request struct {
	Action    string         // "s3:GetObject"; matched case-insensitively
	Resource  string         // ARN; matched case-sensitively
	Principal fsxd.Principal // the caller, as authentication named it
	// Context holds condition keys. Names must be lower case
	// ("aws:sourceip", "s3:prefix"); a key with no values counts as absent.
	// aws:username, aws:userid, aws:principalaccount and aws:principalarn
	// default to the Principal's fields when not set here.
	Context map[string][]string
	// ResourceAccount owns Resource. Empty means the account field of the
	// Resource ARN; if that is empty too, the access is same-account.
	ResourceAccount string
	// Bound maps the user and role ARNs a Principal element names to the
	// unique ids they had when the policy was saved: such an ARN then
	// matches only that user or role, not one made later under the same
	// name, as on AWS. An ARN not in it matches by name.
	Bound map[string]string
}

// ParseError is a malformed document. Msg is worded like S3's MalformedPolicy
// and IAM's MalformedPolicyDocument messages, so callers can return it as is.
type ParseError struct{ Msg string }

func (e *ParseError) Error() string { return e.Msg }

func perr(msg string) error { return &ParseError{Msg: msg} }

// UnknownPrincipalError: a policy names, by ARN or unique id, a user or
// role of the account that does not exist, found when the policy is bound
// (Request.Bound); IAM and S3 refuse such a policy.
type UnknownPrincipalError struct{ Principal string }

func (e *UnknownPrincipalError) Error() string {
	return `Invalid principal in policy: "AWS":"` + e.Principal + `"`
}

// Document is a parsed policy. It is only built by Parse and ParseKind, is
// immutable, and is safe for concurrent use.
type Document struct {
	version string
	id      string
	stmts   []statement
	actions []string
	size    int
	context bool // some statement has a Condition or a policy variable
}

// ReadsContext reports whether evaluating d can read Request.Context: it
// has a Condition or a policy variable. Without one the caller may leave
// Context nil and save building the condition keys on every request.
func (d *Document) ReadsContext() bool { return d.context }

func (s *statement) readsContext() bool {
	if len(s.conds) > 0 || len(s.needs) > 0 {
		return true
	}
	for _, ps := range [][]pattern{s.actions, s.resources} {
		for _, p := range ps {
			for _, t := range p.toks {
				if t.kind == tokVar {
					return true
				}
			}
		}
	}
	return false
}

// Actions returns every string named in Action and NotAction elements, as
// written, in document order. Callers use it to reject actions a resource
// type doesn't allow (access points refuse s3:GetBucketLocation).
func (d *Document) Actions() []string { return append([]string(nil), d.actions...) }

// Size is the document's length with whitespace outside strings removed,
// which is how S3 counts against MaxAccessPointPolicySize.
func (d *Document) Size() int { return d.size }

// Version is the policy language version the document uses.
func (d *Document) Version() string { return d.version }

// ID is the document's Id element, if any.
func (d *Document) ID() string { return d.id }

// Evaluate is the result of this one document: ExplicitDeny if a Deny
// statement applies, else Allow if an Allow statement applies, else Deny
// (not applicable). Statements without a principal apply to any caller.
func (d *Document) Evaluate(req Request) Decision {
	e := env{req: &req}
	dec, _ := d.eval(&e, false)
	return dec
}

// eval runs the statements. As a resource policy, a statement without
// Principal or NotPrincipal applies to nobody: it can only have come from
// Parse, which doesn't insist on one; and named tells whether an Allow
// names the caller itself (byName, or everyone but those a NotPrincipal
// lists) rather than only its account.
func (d *Document) eval(e *env, asResource bool) (dec Decision, named bool) {
	if d == nil {
		return Deny, false
	}
	allowed := false
	for i := range d.stmts {
		s := &d.stmts[i]
		if !s.deny && allowed && (named || !asResource) {
			continue // only a Deny can still change the outcome
		}
		if s.applies(e, asResource) {
			if s.deny {
				return ExplicitDeny, false
			}
			allowed = true
			named = asResource && (s.notPrincipal || s.principals.kind(e.req) == byName)
		}
	}
	if allowed {
		return Allow, named
	}
	return Deny, false
}

// Grants is what a resource policy says of req on its own: an Allow whether
// it names the caller or only the caller's account (a role's trust policy,
// whose caller's identity policies are checked apart).
func (d *Document) Grants(req Request) Decision {
	e := env{req: &req}
	dec, _ := d.eval(&e, true)
	return dec
}

// Evaluate combines the caller's identity policies with the resource's
// policy (nil if it has none), as AWS does: an explicit Deny anywhere wins;
// otherwise, same-account, an Allow from either side is enough, while
// cross-account both sides must allow. A resource policy's Allow that
// names only the caller's account is no Allow of its own: it delegates to
// the account's identity policies, which must allow too, as on AWS. A root
// user has no identity policies and needs none: its own account's side
// always allows, so it may do anything in its account that nothing
// explicitly denies.
func Evaluate(req Request, identity []*Document, resource *Document) Decision {
	e := env{req: &req}
	idAllow, resAllow := req.Principal.IsRoot, false
	for _, d := range identity {
		switch dec, _ := d.eval(&e, false); dec {
		case ExplicitDeny:
			return ExplicitDeny
		case Allow:
			idAllow = true
		}
	}
	res, named := resource.eval(&e, true)
	switch res {
	case ExplicitDeny:
		return ExplicitDeny
	case Allow:
		resAllow = true
	}
	cross := crossAccount(&req)
	switch {
	case cross && idAllow && resAllow,
		!cross && (idAllow || resAllow && named):
		return Allow
	}
	return Deny
}

func crossAccount(req *Request) bool {
	owner := req.ResourceAccount
	if owner == "" {
		arn, _ := fsxd.ParseARN(req.Resource)
		owner = arn.Account
	}
	return owner != "" && req.Principal.AccountID != "" && owner != req.Principal.AccountID
}
