package policy

// Parsing documents and statements. Every check that can be made without a
// request is made here, so a Document in hand is one AWS would have stored.

import (
	"strings"

	"github.com/fsxd/fsxd"
)

const (
	version2012 = "2012-10-17"
	version2008 = "2008-10-17"
)

// Parse parses a policy of either kind: Principal is allowed but not
// required. Use ParseKind to apply the rules of where it is attached.
func Parse(text []byte) (*Document, error) { return parse(text, 0) }

// ParseKind parses a policy attached as k: resource policies must give each
// statement a Principal or NotPrincipal, identity policies must not. Any
// other k applies neither rule, like Parse.
func ParseKind(text []byte, k Kind) (*Document, error) { return parse(text, k) }

func parse(text []byte, k Kind) (*Document, error) {
	root, err := decodeJSON(text)
	if err != nil {
		return nil, err
	}
	// AWS: without a Version element the 2008 language applies, in which
	// ${...} is literal text.
	d := &Document{version: version2008, size: minifiedLen(text)}
	var stmts *node
	for i := range root.fields {
		f := &root.fields[i]
		switch f.name {
		case "Version":
			if f.val.kind != jString || f.val.str != version2012 && f.val.str != version2008 {
				return nil, perr("The policy must contain a valid version string")
			}
			d.version = f.val.str
		case "Id":
			if f.val.kind != jString {
				return nil, perr("Invalid Id")
			}
			d.id = f.val.str
		case "Statement":
			stmts = &f.val
		default:
			return nil, perr("Unknown field " + f.name)
		}
	}
	if stmts == nil {
		return nil, perr("Missing required field Statement")
	}
	list := []node{*stmts}
	if stmts.kind == jArray {
		list = stmts.elems
	}
	if len(list) == 0 {
		return nil, perr("Missing required field Statement")
	}
	vars := d.version == version2012
	sids := map[string]bool{} // a set, so a document of many Sids parses in linear time
	for i := range list {
		s, err := parseStatement(&list[i], k, vars)
		if err != nil {
			return nil, err
		}
		if s.sid != "" && sids[s.sid] {
			return nil, perr("Statement IDs (SID) in a single policy must be unique")
		}
		sids[s.sid] = true
		d.stmts = append(d.stmts, s)
		d.context = d.context || s.readsContext()
	}
	for _, s := range list {
		for _, f := range s.fields {
			if f.name == "Action" || f.name == "NotAction" {
				a, _ := stringList(f.val)
				d.actions = append(d.actions, a...)
			}
		}
	}
	return d, nil
}

func parseStatement(n *node, k Kind, vars bool) (statement, error) {
	var s statement
	f, err := statementFields(n, &s)
	if err != nil {
		return s, err
	}
	if f.effect == nil {
		return s, perr("Missing required field Effect")
	}
	if f.effect.kind != jString || f.effect.str != "Allow" && f.effect.str != "Deny" {
		return s, perr("Invalid effect: " + f.effect.str)
	}
	s.deny = f.effect.str == "Deny"
	if err := s.parsePrincipal(f.principal, k); err != nil {
		return s, err
	}
	if err := s.parseActions(f.action); err != nil {
		return s, err
	}
	if err := s.parseResources(f.resource, k, vars); err != nil {
		return s, err
	}
	err = s.parseCondition(f.cond, vars)
	return s, err
}

// fields are a statement's elements, each still to be parsed.
type fields struct{ effect, principal, action, resource, cond *node }

// statementFields sorts n's fields into f, noting Sid and the Not forms
// in s, and refuses unknown fields and an element given both ways.
func statementFields(n *node, s *statement) (f fields, err error) {
	if n.kind != jObject {
		return f, perr("Statement must be an object")
	}
	for i := range n.fields {
		fd := &n.fields[i]
		var slot **node
		switch fd.name {
		case "Sid":
			if fd.val.kind != jString {
				return f, perr("Invalid Sid")
			}
			s.sid = fd.val.str
			continue
		case "Effect":
			slot = &f.effect
		case "Principal", "NotPrincipal":
			slot, s.notPrincipal = &f.principal, fd.name == "NotPrincipal"
		case "Action", "NotAction":
			slot, s.notAction = &f.action, fd.name == "NotAction"
		case "Resource", "NotResource":
			slot, s.notResource = &f.resource, fd.name == "NotResource"
		case "Condition":
			slot = &f.cond
		default:
			return f, perr("Unknown field " + fd.name)
		}
		if *slot != nil {
			base := strings.TrimPrefix(fd.name, "Not")
			return f, perr("Statement cannot contain both " + base + " and Not" + base)
		}
		*slot = &fd.val
	}
	return f, nil
}

// parsePrincipal: required in resource and trust policies, refused in
// identity policies.
func (s *statement) parsePrincipal(principal *node, k Kind) error {
	switch {
	case principal == nil && (k == ResourcePolicy || k == TrustPolicy):
		return perr("Missing required field Principal")
	case principal != nil && k == IdentityPolicy && s.notPrincipal:
		return perr("Has prohibited field NotPrincipal")
	case principal != nil && k == IdentityPolicy:
		return perr("Has prohibited field Principal")
	case k == TrustPolicy && s.notPrincipal && !s.deny:
		// A role trusting everyone but a few: AWS refuses it.
		return perr("NotPrincipal may be used only with Deny in a trust policy")
	case principal != nil:
		p, err := parsePrincipals(*principal)
		if err != nil {
			return err
		}
		s.principals = p
	}
	return nil
}

func (s *statement) parseActions(action *node) error {
	if action == nil {
		return perr("Missing required field Action")
	}
	actions, err := stringList(*action)
	if err != nil {
		return perr("Policy has invalid action")
	}
	for _, a := range actions {
		if !validAction(a) {
			return perr("Policy has invalid action")
		}
		s.actions = append(s.actions, compile(a, true, false, true))
	}
	return nil
}

// parseResources: required but in trust policies, where it is refused
// and stands for "*".
func (s *statement) parseResources(resource *node, k Kind, vars bool) error {
	switch {
	case k == TrustPolicy && resource != nil:
		return perr("Has prohibited field Resource")
	case k == TrustPolicy:
		resource = &node{kind: jString, str: "*"}
	case resource == nil:
		return perr("Missing required field Resource")
	}
	resources, err := stringList(*resource)
	if err != nil {
		return perr("Policy has invalid resource")
	}
	for _, r := range resources {
		if r != "*" && !strings.HasPrefix(r, "arn:") {
			return perr("Policy has invalid resource")
		}
		p := compile(r, true, vars, false)
		s.needs = p.needs(s.needs)
		s.resources = append(s.resources, p)
	}
	return nil
}

func (s *statement) parseCondition(cond *node, vars bool) error {
	if cond == nil {
		return nil
	}
	var err error
	if s.conds, err = parseConditions(*cond, vars); err != nil {
		return err
	}
	for _, c := range s.conds {
		for _, v := range c.vals {
			s.needs = v.pat.needs(s.needs)
			for i := range v.arn {
				s.needs = v.arn[i].needs(s.needs)
			}
		}
	}
	return nil
}

// validAction accepts "*" and "service:Name", either side with wildcards.
func validAction(a string) bool {
	if a == "*" {
		return true
	}
	svc, name, ok := strings.Cut(a, ":")
	if !ok || svc == "" || name == "" {
		return false
	}
	for _, part := range []string{svc, name} {
		for i := 0; i < len(part); i++ {
			switch c := part[i]; {
			case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
				c == '*', c == '?', c == '-', c == '_':
			default:
				return false
			}
		}
	}
	return true
}

// principals is a Principal or NotPrincipal element. Only AWS principals
// can be callers here; Service, Federated and CanonicalUser entries are
// accepted (AWS accepts them) but never match.
type principals struct {
	any      bool
	accounts []string
	arns     []string
	ids      []string // unique ids of users and roles (AIDA..., AROA...)
}

// matchKind is how a Principal element names the caller: not at all, only
// through its account, or itself (its ARN, its role's ARN, its unique id,
// or everyone). An account named delegates the decision to that account's
// identity policies, as AWS's account principal does: it grants the caller
// nothing on its own.
type matchKind uint8

const (
	noMatch matchKind = iota
	byAccount
	byName
)

func (ps *principals) match(r *Request) bool { return ps.kind(r) != noMatch }

func (ps *principals) kind(r *Request) matchKind {
	p := &r.Principal
	switch {
	case ps.any:
		return byName
	case len(ps.ids) > 0 && contains(ps.ids, p.EntityID()):
		return byName
	// A role's ARN names every session of the role, as on AWS.
	case ps.matchARN(r, p.ARN) || ps.matchARN(r, p.RoleARN):
		return byName
	case p.AccountID != "" && contains(ps.accounts, p.AccountID):
		return byAccount
	}
	return noMatch
}

// exempts reports whether a NotPrincipal element leaves the caller out.
// AWS checks each principal a request is made as in turn (the account,
// then the role, then the role session; the account, then the user), so
// every one must be named: a user named without its account, or a role
// without its session, is not exempt, and the Deny applies to it.
func (ps *principals) exempts(r *Request) bool {
	p := &r.Principal
	if ps.any {
		return true
	}
	if p.AccountID == "" || !contains(ps.accounts, p.AccountID) {
		return false
	}
	if p.IsRoot && p.FederatedUser == "" {
		return true // the account's root ARN is the account
	}
	if p.RoleARN != "" {
		role := ps.matchARN(r, p.RoleARN) || contains(ps.ids, p.EntityID())
		return role && ps.matchARN(r, p.ARN)
	}
	return ps.matchARN(r, p.ARN) || p.FederatedUser == "" && contains(ps.ids, p.EntityID())
}

// matchARN: arn is named, and if the policy was bound when saved, the
// caller is the user or role it was bound to.
func (ps *principals) matchARN(r *Request, arn string) bool {
	if arn == "" || !contains(ps.arns, arn) {
		return false
	}
	bound, ok := r.Bound[arn]
	return !ok || bound == r.Principal.EntityID()
}

const msgBadPrincipal = "Invalid principal in policy"

func parsePrincipals(n node) (*principals, error) {
	if n.kind == jString {
		if n.str != "*" {
			return nil, perr(msgBadPrincipal)
		}
		return &principals{any: true}, nil
	}
	if n.kind != jObject || len(n.fields) == 0 {
		return nil, perr(msgBadPrincipal)
	}
	ps := &principals{}
	for _, f := range n.fields {
		vals, err := stringList(f.val)
		if err != nil {
			return nil, perr(msgBadPrincipal)
		}
		switch f.name {
		case "AWS":
			for _, v := range vals {
				if !ps.addAWS(v) {
					return nil, perr(msgBadPrincipal)
				}
			}
		case "Service", "Federated", "CanonicalUser":
		default:
			return nil, perr(msgBadPrincipal)
		}
	}
	return ps, nil
}

// addAWS records "*", an account ID, the account's root ARN (the same as
// its ID) or an IAM/STS ARN. Partial wildcards are refused, as AWS does.
func (ps *principals) addAWS(v string) bool {
	switch {
	case v == "*":
		ps.any = true
		return true
	case fsxd.ValidAccountID(v):
		ps.accounts = append(ps.accounts, v)
		return true
	case strings.ContainsAny(v, "*?"):
		return false
	case uniqueID(v):
		ps.ids = append(ps.ids, v)
		return true
	}
	arn, ok := fsxd.ParseARN(v)
	if !ok || arn.Partition == "" || arn.Service != "iam" && arn.Service != "sts" ||
		!fsxd.ValidAccountID(arn.Account) || arn.Resource == "" {
		return false
	}
	if arn.Resource == "root" {
		ps.accounts = append(ps.accounts, arn.Account)
	} else {
		ps.arns = append(ps.arns, v)
	}
	return true
}

// uniqueID: a user's or role's unique id, which policies may name instead
// of its ARN (and which IAM shows in place of the ARN of one deleted).
func uniqueID(v string) bool {
	if len(v) < 16 || len(v) > 128 || !strings.HasPrefix(v, "AIDA") && !strings.HasPrefix(v, "AROA") {
		return false
	}
	for i := 4; i < len(v); i++ {
		if c := v[i]; (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// PrincipalARNs are the IAM and STS ARNs the document's Principal and
// NotPrincipal elements name (account roots aside), each once, for
// binding (Request.Bound).
func (d *Document) PrincipalARNs() []string {
	return d.collect(func(ps *principals) []string { return ps.arns })
}

// PrincipalIDs are the unique ids (AIDA..., AROA...) the document's
// Principal and NotPrincipal elements name, each once: a policy saved
// naming one that no user or role has is refused, as AWS does.
func (d *Document) PrincipalIDs() []string {
	return d.collect(func(ps *principals) []string { return ps.ids })
}

func (d *Document) collect(of func(*principals) []string) []string {
	var out []string
	for i := range d.stmts {
		if ps := d.stmts[i].principals; ps != nil {
			for _, a := range of(ps) {
				if !contains(out, a) {
					out = append(out, a)
				}
			}
		}
	}
	return out
}
