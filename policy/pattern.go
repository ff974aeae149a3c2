package policy

// Patterns: Action, Resource and condition values, compiled once at Parse
// time so evaluation only walks tokens. Policy variables stay tokens and are
// looked up per request; what they resolve to is matched literally, so a
// context value containing '*' can't widen a grant.

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

type tokKind uint8

const (
	tokLit   tokKind = iota // text, matched literally
	tokStar                 // '*': any run of characters, including ':' and '/'
	tokQuest                // '?': exactly one character
	tokVar                  // ${key}: the key's value, matched literally
)

type token struct {
	kind   tokKind
	text   string // literal text, or a variable's default value
	key    string // variable key, lower case
	hasDef bool   // ${key, 'default'}
}

type pattern struct {
	toks []token
	fold bool // case-insensitive (actions, StringEqualsIgnoreCase)
	// Fast paths, decided at compile time.
	any    bool   // "*"
	exact  bool   // only literal text: compare with lit
	prefix bool   // literal text then one trailing '*': HasPrefix(lit)
	lit    string // the literal text for exact and prefix
}

// compile tokenizes s. wild makes '*' and '?' wildcards; vars makes ${...}
// a variable (policy version 2012-10-17 only); fold ignores case.
func compile(s string, wild, vars, fold bool) pattern {
	p := pattern{fold: fold}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			p.toks = append(p.toks, token{kind: tokLit, text: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if vars && c == '$' && i+1 < len(s) && s[i+1] == '{' {
			if end := strings.IndexByte(s[i+2:], '}'); end >= 0 {
				body := s[i+2 : i+2+end]
				if t, ok := parseVar(body); ok {
					if t.kind == tokLit {
						lit.WriteString(t.text) // ${*}, ${?}, ${$}
					} else {
						flush()
						p.toks = append(p.toks, t)
					}
					i += 2 + end
					continue
				}
			}
		}
		switch {
		case wild && c == '*':
			flush()
			if n := len(p.toks); n == 0 || p.toks[n-1].kind != tokStar {
				p.toks = append(p.toks, token{kind: tokStar})
			}
		case wild && c == '?':
			flush()
			p.toks = append(p.toks, token{kind: tokQuest})
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	switch t := p.toks; {
	case len(t) == 1 && t[0].kind == tokStar:
		p.any = true
	case len(t) == 0:
		p.exact = true
	case len(t) == 1 && t[0].kind == tokLit:
		p.exact, p.lit = true, t[0].text
	case len(t) == 2 && t[0].kind == tokLit && t[1].kind == tokStar && !fold:
		p.prefix, p.lit = true, t[0].text
	}
	return p
}

// parseVar reads the inside of ${...}: an escape (*, ?, $), a key, or a key
// with a default, "key, 'default'". Anything else is not a variable and is
// left as literal text.
func parseVar(body string) (token, bool) {
	switch body {
	case "*", "?", "$":
		return token{kind: tokLit, text: body}, true
	}
	key, def, hasDef := strings.Cut(body, ",")
	key = strings.TrimSpace(key)
	if key == "" || strings.ContainsAny(key, "${ '") {
		return token{}, false
	}
	t := token{kind: tokVar, key: strings.ToLower(key)}
	if hasDef {
		def = strings.TrimSpace(def)
		if len(def) < 2 || def[0] != '\'' || def[len(def)-1] != '\'' {
			return token{}, false
		}
		t.text, t.hasDef = def[1:len(def)-1], true
	}
	return t, true
}

// needs appends the keys of variables that have no default: a statement that
// uses one that can't be resolved doesn't apply (AWS: the statement is
// invalid).
func (p *pattern) needs(keys []string) []string {
	for _, t := range p.toks {
		if t.kind == tokVar && !t.hasDef && !contains(keys, t.key) {
			keys = append(keys, t.key)
		}
	}
	return keys
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (p *pattern) match(s string, e *env) bool {
	switch {
	case p.any:
		return true
	case p.exact && p.fold:
		return strings.EqualFold(p.lit, s)
	case p.exact:
		return p.lit == s
	case p.prefix:
		return strings.HasPrefix(s, p.lit)
	}
	return glob(p.toks, s, p.fold, e)
}

// glob is the classic wildcard match with one backtrack point: on a
// mismatch, the most recent '*' swallows one more character and the rest of
// the pattern is retried. That is complete for '*' and '?' and runs in
// O(len(toks)·len(s)) without allocating.
func glob(toks []token, s string, fold bool, e *env) bool {
	ti, off, si := 0, 0, 0  // token, offset in its text, offset in s
	starTi, starSi := -1, 0 // where to resume after the last '*'
	curTi, cur := -1, ""    // text of token ti, resolved once per visit
	for {
		if ti < len(toks) {
			t := &toks[ti]
			switch t.kind {
			case tokStar:
				if ti == len(toks)-1 {
					return true
				}
				ti++
				starTi, starSi = ti, si
				continue
			case tokQuest:
				if si < len(s) {
					_, n := utf8.DecodeRuneInString(s[si:])
					si += n
					ti++
					continue
				}
			default:
				if curTi != ti {
					curTi, cur = ti, t.text
					if t.kind == tokVar {
						v, ok := e.varValue(t)
						if !ok {
							return false
						}
						cur = v
					}
				}
				if off == len(cur) {
					ti, off = ti+1, 0
					continue
				}
				if n, m := sameRune(cur[off:], s[si:], fold); n > 0 {
					off, si = off+n, si+m
					continue
				}
			}
		} else if si == len(s) {
			return true
		}
		if starTi < 0 || starSi >= len(s) {
			return false
		}
		_, n := utf8.DecodeRuneInString(s[starSi:])
		starSi += n
		ti, off, si = starTi, 0, starSi
	}
}

// sameRune compares the first character of a and b and returns how many
// bytes it takes in each, or 0, 0 if they differ.
func sameRune(a, b string, fold bool) (int, int) {
	if len(a) == 0 || len(b) == 0 {
		return 0, 0
	}
	if a[0] == b[0] && (a[0] < utf8.RuneSelf || !fold) {
		return 1, 1
	}
	if !fold {
		return 0, 0
	}
	ra, n := utf8.DecodeRuneInString(a)
	rb, m := utf8.DecodeRuneInString(b)
	if ra == rb || foldEq(ra, rb) {
		return n, m
	}
	return 0, 0
}

// foldEq reports whether a and b are the same letter in different case,
// with the simple folding strings.EqualFold uses.
func foldEq(a, b rune) bool {
	if a < utf8.RuneSelf && b < utf8.RuneSelf {
		return 'A' <= a && a <= 'Z' && a+'a'-'A' == b || 'A' <= b && b <= 'Z' && b+'a'-'A' == a
	}
	for r := unicode.SimpleFold(a); r != a; r = unicode.SimpleFold(r) {
		if r == b {
			return true
		}
	}
	return false
}
