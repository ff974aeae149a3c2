package policy

// Parsing the Condition element. Every value is converted to its operator's
// type here, so a policy that says NumericLessThan "ten" is refused when it
// is stored rather than silently never matching.

import (
	"encoding/base64"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

type opKind uint8

const (
	opString     opKind = iota // StringEquals
	opStringFold               // StringEqualsIgnoreCase
	opStringLike
	opNumEq
	opNumLT
	opNumLE
	opNumGT
	opNumGE
	opDateEq
	opDateLT
	opDateLE
	opDateGT
	opDateGE
	opBool
	opBinary
	opIP
	opArn // ArnEquals and ArnLike mean the same: both take wildcards
	opNull
)

type setKind uint8

const (
	setNone setKind = iota
	setAny          // ForAnyValue:
	setAll          // ForAllValues:
)

// operators maps lower-cased base names (no set prefix, no IfExists) to the
// comparison and whether it is negated. A negated operator is the positive
// one inverted, which is also why it is true when the key is missing.
var operators = map[string]struct {
	op     opKind
	negate bool
}{
	"stringequals": {opString, false}, "stringnotequals": {opString, true},
	"stringequalsignorecase": {opStringFold, false}, "stringnotequalsignorecase": {opStringFold, true},
	"stringlike": {opStringLike, false}, "stringnotlike": {opStringLike, true},
	"numericequals": {opNumEq, false}, "numericnotequals": {opNumEq, true},
	"numericlessthan": {opNumLT, false}, "numericlessthanequals": {opNumLE, false},
	"numericgreaterthan": {opNumGT, false}, "numericgreaterthanequals": {opNumGE, false},
	"dateequals": {opDateEq, false}, "datenotequals": {opDateEq, true},
	"datelessthan": {opDateLT, false}, "datelessthanequals": {opDateLE, false},
	"dategreaterthan": {opDateGT, false}, "dategreaterthanequals": {opDateGE, false},
	"bool": {opBool, false}, "binaryequals": {opBinary, false},
	"ipaddress": {opIP, false}, "notipaddress": {opIP, true},
	"arnequals": {opArn, false}, "arnlike": {opArn, false},
	"arnnotequals": {opArn, true}, "arnnotlike": {opArn, true},
	"null": {opNull, false},
}

// condition is one operator applied to one key; a statement's conditions
// are ANDed, and the values within one are ORed.
type condition struct {
	op       opKind
	negate   bool
	ifExists bool
	set      setKind
	key      string // lower case
	vals     []value
}

// value is one policy value, converted for its operator.
type value struct {
	pat pattern      // String*
	arn []pattern    // Arn*: one pattern per colon-separated field
	num float64      // Numeric*
	t   time.Time    // Date*
	ip  netip.Prefix // IpAddress, NotIpAddress
	b   bool         // Bool, Null
	bin string       // BinaryEquals: the decoded bytes
}

// parseConditions reads {"Operator": {"key": values, ...}, ...}.
func parseConditions(n node, vars bool) ([]condition, error) {
	if n.kind != jObject {
		return nil, perr("Invalid Condition element")
	}
	var out []condition
	for _, f := range n.fields {
		tmpl, err := parseOperator(f.name)
		if err != nil {
			return nil, err
		}
		if f.val.kind != jObject || len(f.val.fields) == 0 {
			return nil, perr("Invalid Condition block for " + f.name)
		}
		for _, kv := range f.val.fields {
			c := tmpl
			c.key = strings.ToLower(kv.name)
			if c.key == "" {
				return nil, perr("Invalid Condition key in " + f.name)
			}
			raw, ok := conditionValues(kv.val)
			if !ok {
				return nil, perr("Invalid Condition value for " + f.name + ": " + kv.name)
			}
			for _, s := range raw {
				v, ok := parseValue(c.op, s, vars)
				if !ok {
					return nil, perr("Invalid Condition value for " + f.name + ": " + s)
				}
				c.vals = append(c.vals, v)
			}
			out = append(out, c)
		}
	}
	return out, nil
}

func parseOperator(name string) (condition, error) {
	var c condition
	base := strings.ToLower(name)
	if rest, ok := strings.CutPrefix(base, "foranyvalue:"); ok {
		c.set, base = setAny, rest
	} else if rest, ok := strings.CutPrefix(base, "forallvalues:"); ok {
		c.set, base = setAll, rest
	}
	if rest, ok := strings.CutSuffix(base, "ifexists"); ok {
		c.ifExists, base = true, rest
	}
	o, ok := operators[base]
	if !ok || o.op == opNull && (c.ifExists || c.set != setNone) {
		return c, perr("Invalid Condition type : " + name)
	}
	c.op, c.negate = o.op, o.negate
	return c, nil
}

// conditionValues accepts a string, bool or number, or a non-empty list of
// them; numbers and bools become their JSON text.
func conditionValues(n node) ([]string, bool) {
	scalar := func(n node) bool { return n.kind == jString || n.kind == jNumber || n.kind == jBool }
	if scalar(n) {
		return []string{n.str}, true
	}
	if n.kind != jArray || len(n.elems) == 0 {
		return nil, false
	}
	out := make([]string, 0, len(n.elems))
	for _, e := range n.elems {
		if !scalar(e) {
			return nil, false
		}
		out = append(out, e.str)
	}
	return out, true
}

// parseValue converts s for op. Policy variables are honoured only where
// AWS supports them: string and ARN operators.
func parseValue(op opKind, s string, vars bool) (value, bool) {
	var v value
	switch op {
	case opString:
		v.pat = compile(s, false, vars, false)
	case opStringFold:
		v.pat = compile(s, false, vars, true)
	case opStringLike:
		v.pat = compile(s, true, vars, false)
	case opArn:
		for _, part := range splitARN(s) {
			v.arn = append(v.arn, compile(part, true, vars, false))
		}
	case opNumEq, opNumLT, opNumLE, opNumGT, opNumGE:
		f, ok := parseNumber(s)
		return value{num: f}, ok
	case opDateEq, opDateLT, opDateLE, opDateGT, opDateGE:
		t, ok := parseDate(s)
		return value{t: t}, ok
	case opBool, opNull:
		t := strings.EqualFold(s, "true")
		return value{b: t}, t || strings.EqualFold(s, "false")
	case opBinary:
		b, err := base64.StdEncoding.DecodeString(s)
		return value{bin: string(b)}, err == nil
	case opIP:
		p, ok := parseCIDR(s)
		return value{ip: p}, ok
	}
	return v, true
}

// splitARN cuts an ARN pattern into at most six colon-separated fields,
// leaving colons inside ${...} alone: ArnLike matches field by field, so a
// '*' in the region can't eat the account.
func splitARN(s string) []string {
	var out []string
	start, inVar := 0, false
	for i := 0; i < len(s) && len(out) < 5; i++ {
		switch {
		case inVar:
			inVar = s[i] != '}'
		case s[i] == '$' && i+1 < len(s) && s[i+1] == '{':
			inVar = true
		case s[i] == ':':
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

func parseNumber(s string) (float64, bool) {
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
}

// dateLayouts are the ISO 8601 forms AWS documents and clients send.
var dateLayouts = []string{
	time.RFC3339, // also takes fractional seconds
	"2006-01-02T15:04:05",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02",
	"20060102T150405Z0700",
	"20060102T150405Z",
}

// parseDate accepts ISO 8601 or epoch seconds; zone-less forms are UTC.
func parseDate(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	if c := s[0]; c >= '0' && c <= '9' || c == '-' {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return time.Unix(n, 0), true
		}
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// parseCIDR accepts "10.0.0.0/8", "2001:db8::/32" or a plain address, which
// means just that address.
func parseCIDR(s string) (netip.Prefix, bool) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		return p.Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, false
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), true
}
