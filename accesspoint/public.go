package accesspoint

import (
	"encoding/json"
	"net/netip"
	"strings"
)

// isPublic reports S3's verdict on an access point policy ("The meaning
// of public" in the S3 user guide): public when an Allow statement grants
// a "bad action" to every principal ("*", {"AWS": "*"} or a NotPrincipal)
// and no Condition pins the request to fixed values of the keys S3 names.
// Where S3's rule is not spelled out (operators, IfExists, wide CIDRs)
// this errs towards public, so a doubtful policy is refused rather than
// let through (docs/decisions.md, "Public access point policies").
func isPublic(text string) bool {
	for _, st := range statements(text) {
		if st.Effect == "Allow" && (st.NotPrincipal != nil || anyone(st.Principal)) &&
			badActions(st) && !restricted(st.Condition) {
			return true
		}
	}
	return false
}

type publicStmt struct {
	Effect                  string
	Principal, NotPrincipal json.RawMessage
	Action, NotAction       json.RawMessage
	Condition               map[string]map[string]json.RawMessage
}

// statements decodes the Statement element, one object or a list; a
// document that does not decode has none (the parser refuses it anyway).
func statements(text string) []publicStmt {
	var doc struct{ Statement json.RawMessage }
	if json.Unmarshal([]byte(text), &doc) != nil {
		return nil
	}
	var list []publicStmt
	if json.Unmarshal(doc.Statement, &list) == nil {
		return list
	}
	var one publicStmt
	if json.Unmarshal(doc.Statement, &one) != nil {
		return nil
	}
	return []publicStmt{one}
}

// anyone reports a Principal element that names every principal.
func anyone(raw json.RawMessage) bool {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s == "*"
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return false
	}
	for _, v := range stringList(m["AWS"]) {
		if v == "*" {
			return true
		}
	}
	return false
}

// stringList decodes a string or a list of strings (nil for anything else).
func stringList(raw json.RawMessage) []string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []string{s}
	}
	var list []string
	json.Unmarshal(raw, &list)
	return list
}

// badPrefixes and badNames are S3's "bad actions": those that expose
// the data to reads or writes (lower case; a prefix ends in ':' or a verb).
var (
	badPrefixes = []string{"s3:get", "s3:list", "s3:delete", "s3:put"}
	badNames    = []string{"s3:abortmultipartupload", "s3:restoreobject"}
)

// badActions reports whether the statement's actions can match a bad
// action. A NotAction is taken to: it allows everything it does not name.
func badActions(st publicStmt) bool {
	if st.NotAction != nil {
		return true
	}
	for _, a := range stringList(st.Action) {
		if badAction(strings.ToLower(a)) {
			return true
		}
	}
	return false
}

func badAction(a string) bool {
	lit, wild := a, false
	if i := strings.IndexAny(a, "*?"); i >= 0 {
		lit, wild = a[:i], true
	}
	for _, b := range badPrefixes {
		if strings.HasPrefix(lit, b) || wild && strings.HasPrefix(b, lit) {
			return true
		}
	}
	for _, b := range badNames {
		if lit == b || wild && strings.HasPrefix(b, lit) {
			return true
		}
	}
	return false
}

// fixedKeys are the condition keys whose fixed values make a statement
// non-public (lower case).
var fixedKeys = map[string]bool{
	"aws:sourcearn": true, "aws:sourcevpc": true, "aws:sourcevpce": true,
	"aws:sourceowner": true, "aws:sourceaccount": true, "aws:userid": true,
	"aws:principalorgid": true, "aws:principalaccount": true, "aws:principalarn": true,
	"s3:x-amz-server-side-encryption-aws-kms-key-id": true,
}

// fixedOps compare a key with the values given; negated, set-wide and
// IfExists operators do not pin a request to them.
var fixedOps = map[string]bool{
	"stringequals": true, "stringequalsignorecase": true, "stringlike": true,
	"arnequals": true, "arnlike": true, "foranyvalue:stringequals": true,
	"foranyvalue:stringlike": true,
}

// restricted reports whether one condition pins the request to fixed
// values: every condition must hold, so one such key is enough.
func restricted(cond map[string]map[string]json.RawMessage) bool {
	for op, keys := range cond {
		op = strings.ToLower(op)
		for key, raw := range keys {
			key = strings.ToLower(key)
			vals := stringList(raw)
			switch {
			case len(vals) == 0:
			case op == "ipaddress" && key == "aws:sourceip" && narrowCIDRs(vals):
				return true
			case fixedOps[op] && fixedKeys[key] && fixedValues(key, vals):
				return true
			}
		}
	}
	return false
}

func fixedValues(key string, vals []string) bool {
	for _, v := range vals {
		if key == "aws:userid" && strings.HasSuffix(v, ":*") {
			v = strings.TrimSuffix(v, ":*") // a role's sessions: "AROLEID:*"
		}
		if v == "" || strings.ContainsAny(v, "*?") || strings.Contains(v, "${") {
			return false
		}
	}
	return true
}

// narrowCIDRs reports addresses or CIDRs none of which is the whole
// address space.
func narrowCIDRs(vals []string) bool {
	for _, v := range vals {
		p, err := netip.ParsePrefix(v)
		if err != nil {
			a, aerr := netip.ParseAddr(v)
			if aerr != nil {
				return false
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		if p.Bits() == 0 {
			return false
		}
	}
	return true
}
