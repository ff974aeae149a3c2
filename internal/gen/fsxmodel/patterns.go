package main

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
)

// Model patterns are Java regular expressions; Go's regexp is RE2. AWS
// matches a pattern against the whole value (Java's matches(), as its
// messages for unanchored patterns show), while RE2's MatchString finds a
// match anywhere: so a translation not anchored at both ends is wrapped in
// ^(?:...)$ (ClientRequestToken's pattern, unanchored, would accept any
// value). Most
// differ only in spelling, which toRE2 rewrites mechanically: \uXXXX
// becomes \x{XXXX}, and repeat counts above RE2's limit of 1000 lose
// their upper bound ({3,4357} becomes {3,}); those patterns all restate
// the shape's max length, which is checked separately.
// Look-around has no RE2 equivalent, so those patterns are translated by
// hand here, keyed by the model's exact text: if the model changes a
// pattern, the entry no longer matches and the generator says so.
var lookaround = map[string]string{
	// S3AccessPointAttachmentName. The literal pattern allows 2..49
	// characters but the shape says 3..50; following docs/decisions.md ("Access point attachment names") we
	// accept 3..50 (S3 access point naming rules): first and last
	// characters alphanumeric, hyphens inside.
	`^(?=[a-z0-9])[a-z0-9-]{1,48}[a-z0-9]$`: `^[a-z0-9][a-z0-9-]{1,48}[a-z0-9]$`,

	// ResourceARN: arn:<partition>:fsx:<region>:<12-digit account>:<resource>.
	// The service is deliberately not pinned to "fsx" here: the tagging
	// handlers parse the ARN and answer NotServiceResourceError for another
	// service's ARN, which a pattern failure (BadRequest) would hide. The
	// label rules of the look-arounds (no "--", no leading/trailing "-")
	// are reduced to a character class.
	`^arn:(?=[^:]+:fsx:[^:]+:\d{12}:)((|(?=[a-z0-9-.]{1,63})(?!\d{1,3}(\.\d{1,3}){3})(?![^:]*-{2})(?![^:]*-\.)(?![^:]*\.-)[a-z0-9].*(?<!-)):){4}(?!/).{0,1024}$`: `^arn:[a-z0-9][a-z0-9.-]{0,62}:[a-z0-9][a-z0-9.-]{0,62}:[a-z0-9.-]{0,63}:\d{12}:(?:[^/].*)?$`,
}

var (
	lookAroundRE = regexp.MustCompile(`\(\?<?[=!]`)
	javaUnicode  = regexp.MustCompile(`\\u([0-9a-fA-F]{4})`)
	bigRepeat    = regexp.MustCompile(`\{(\d+),\d{4,}\}`)
)

// toRE2 returns the Go spelling of a model pattern, matching whole values
// only, or ok=false when the pattern uses look-around and has no hand
// translation (it is then skipped; length checks still apply).
func toRE2(pattern string) (re string, ok bool, err error) {
	if t, found := lookaround[pattern]; found {
		re = t
	} else if lookAroundRE.MatchString(pattern) {
		return "", false, nil
	} else {
		re = javaUnicode.ReplaceAllString(pattern, `\x{$1}`)
		re = bigRepeat.ReplaceAllString(re, `{$1,}`)
	}
	if _, err := regexp.Compile(re); err != nil {
		return "", false, fmt.Errorf("pattern %q (as %q): %w", pattern, re, err)
	}
	return anchored(re), true, nil
}

// anchored returns re matching whole values only: as it is when it is a
// sequence from ^ to $ already, else wrapped.
func anchored(re string) string {
	r, err := syntax.Parse(re, syntax.Perl)
	if err == nil && r.Op == syntax.OpConcat && r.Sub[0].Op == syntax.OpBeginText && r.Sub[len(r.Sub)-1].Op == syntax.OpEndText {
		return re
	}
	return "^(?:" + re + ")$"
}

// goQuote renders a regular expression as a Go raw string when it can.
func goQuote(s string) string {
	if !strings.Contains(s, "`") {
		return "`" + s + "`"
	}
	return fmt.Sprintf("%q", s)
}
