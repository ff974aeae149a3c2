package policy

// Evaluation: one statement against one request, and the condition
// operators with AWS's rules for missing and multi-valued keys.

import (
	"net/netip"
	"strings"
)

// env is the request as conditions and variables see it. Keep it to this
// one pointer: escape analysis doesn't tell struct fields apart, and scratch
// space kept here once dragged every Request onto the heap.
type env struct{ req *Request }

// principalValue supplies the global keys AWS derives from the caller.
func (e *env) principalValue(key string) (string, bool) {
	p := &e.req.Principal
	fed := p.FederatedUser != "" // AWS shows no user name or tags for it
	var v string
	switch key {
	case "aws:username":
		if !fed {
			v = p.UserName
		}
	case "aws:userid":
		v = p.UserID
		if fed {
			v = p.AccountID + ":" + p.FederatedUser
		}
	case "aws:principalaccount":
		v = p.AccountID
	case "aws:principalarn":
		v = p.ARN
		if p.RoleARN != "" {
			v = p.RoleARN
		}
	default:
		if k, ok := strings.CutPrefix(key, "aws:principaltag/"); ok && !fed {
			for tk, tv := range p.Tags {
				if strings.EqualFold(tk, k) {
					v = tv
				}
			}
		}
	}
	return v, v != ""
}

// values returns a condition key's values, empty if absent. A key derived
// from the principal is written to buf, the caller's, which keeps the
// lookup free of allocation.
func (e *env) values(key string, buf *[1]string) []string {
	if vs, ok := e.req.Context[key]; ok {
		return vs
	}
	if v, ok := e.principalValue(key); ok {
		buf[0] = v
		return buf[:]
	}
	return nil
}

// lookup1 resolves a policy variable. AWS can't substitute a multi-valued
// key, so only a key with exactly one value resolves.
func (e *env) lookup1(key string) (string, bool) {
	if vs, ok := e.req.Context[key]; ok {
		if len(vs) == 1 {
			return vs[0], true
		}
		return "", false
	}
	return e.principalValue(key)
}

func (e *env) varValue(t *token) (string, bool) {
	if v, ok := e.lookup1(t.key); ok {
		return v, true
	}
	return t.text, t.hasDef
}

// statement is one parsed Statement.
type statement struct {
	sid          string
	deny         bool
	principals   *principals // nil: no Principal or NotPrincipal element
	notPrincipal bool
	actions      []pattern
	notAction    bool
	resources    []pattern
	notResource  bool
	conds        []condition
	needs        []string // variables without defaults the statement uses
}

// applies reports whether the statement covers the request. Cheap tests
// come first: most statements fail on the action.
func (s *statement) applies(e *env, asResource bool) bool {
	r := e.req
	if s.principals == nil {
		if asResource {
			return false
		}
	} else if s.notPrincipal {
		if s.principals.exempts(r) {
			return false
		}
	} else if !s.principals.match(r) {
		return false
	}
	if anyMatch(s.actions, r.Action, e) == s.notAction {
		return false
	}
	for _, k := range s.needs {
		if _, ok := e.lookup1(k); !ok {
			return false
		}
	}
	if anyMatch(s.resources, r.Resource, e) == s.notResource {
		return false
	}
	for i := range s.conds {
		if !s.conds[i].eval(e) {
			return false
		}
	}
	return true
}

func anyMatch(pats []pattern, s string, e *env) bool {
	for i := range pats {
		if pats[i].match(s, e) {
			return true
		}
	}
	return false
}

// eval applies AWS's rules. A missing key makes a positive operator false
// and a negated one true; IfExists makes it true; ForAllValues is true
// (vacuously) and ForAnyValue false. With a set prefix, negation applies to
// each request value; without one, a multi-valued key matches if any value
// does.
func (c *condition) eval(e *env) bool {
	var buf [1]string
	got := e.values(c.key, &buf)
	if c.op == opNull {
		for _, v := range c.vals {
			if v.b == (len(got) == 0) {
				return true
			}
		}
		return false
	}
	if len(got) == 0 {
		switch {
		case c.ifExists, c.set == setAll:
			return true
		case c.set == setAny:
			return false
		}
		return c.negate
	}
	switch c.set {
	case setAny:
		for _, g := range got {
			if c.matchOne(g, e) != c.negate {
				return true
			}
		}
		return false
	case setAll:
		for _, g := range got {
			if c.matchOne(g, e) == c.negate {
				return false
			}
		}
		return true
	}
	for _, g := range got {
		if c.matchOne(g, e) {
			return !c.negate
		}
	}
	return c.negate
}

// matchOne reports whether request value g matches any policy value,
// ignoring negation. A request value that doesn't parse as the operator's
// type matches nothing.
func (c *condition) matchOne(g string, e *env) bool {
	switch c.op {
	case opString, opStringFold, opStringLike:
		for i := range c.vals {
			if c.vals[i].pat.match(g, e) {
				return true
			}
		}
	case opArn:
		for i := range c.vals {
			if arnMatch(c.vals[i].arn, g, e) {
				return true
			}
		}
	case opNumEq, opNumLT, opNumLE, opNumGT, opNumGE:
		n, ok := parseNumber(g)
		if !ok {
			return false
		}
		for _, v := range c.vals {
			if compare(c.op-opNumEq, cmpFloat(n, v.num)) {
				return true
			}
		}
	case opDateEq, opDateLT, opDateLE, opDateGT, opDateGE:
		t, ok := parseDate(g)
		if !ok {
			return false
		}
		for _, v := range c.vals {
			if compare(c.op-opDateEq, t.Compare(v.t)) {
				return true
			}
		}
	case opBool:
		b := strings.EqualFold(g, "true")
		if !b && !strings.EqualFold(g, "false") {
			return false
		}
		for _, v := range c.vals {
			if v.b == b {
				return true
			}
		}
	case opBinary:
		for _, v := range c.vals {
			if v.bin == g {
				return true
			}
		}
	case opIP:
		a, err := netip.ParseAddr(g)
		if err != nil {
			return false
		}
		a = a.Unmap().WithZone("")
		for _, v := range c.vals {
			if v.ip.Contains(a) {
				return true
			}
		}
	}
	return false
}

// compare applies the k'th comparison of Equals, LessThan, LessThanEquals,
// GreaterThan, GreaterThanEquals (the order of the op constants) to the
// result of a three-way comparison of request and policy value.
func compare(k opKind, c int) bool {
	switch k {
	case 0:
		return c == 0
	case 1:
		return c < 0
	case 2:
		return c <= 0
	case 3:
		return c > 0
	}
	return c >= 0
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// arnMatch matches s field by field against an ARN pattern of n fields; the
// last field takes the rest of s, colons and all (resource IDs have them).
func arnMatch(fields []pattern, s string, e *env) bool {
	for i := range fields {
		part := s
		if i < len(fields)-1 {
			var ok bool
			if part, s, ok = strings.Cut(s, ":"); !ok {
				return false
			}
		}
		if !fields[i].match(part, e) {
			return false
		}
	}
	return true
}
