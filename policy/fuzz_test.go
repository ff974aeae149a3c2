package policy

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// seeds is every document the tables use, valid or not.
func seeds() []string {
	var out []string
	for _, c := range condCases {
		out = append(out, condPolicy(c.cond))
	}
	for _, c := range elementCases {
		out = append(out, c.policy)
	}
	for _, c := range combineCases {
		out = append(out, c.resource)
		out = append(out, c.identity...)
	}
	for _, c := range parseErrors {
		out = append(out, c.text)
	}
	return append(out, benchPolicy)
}

// FuzzParse: parsing never panics, whatever parses evaluates without
// panicking and deterministically, and whitespace outside strings changes
// nothing, as Size assumes.
func FuzzParse(f *testing.F) {
	for _, s := range seeds() {
		f.Add([]byte(s), "s3:GetObject", obj+"Alice/a", "s3:prefix", "Alice/")
	}
	f.Fuzz(func(t *testing.T, text []byte, action, resource, key, val string) {
		norm := Normalize(text)
		if !bytes.Equal(Normalize(norm), norm) {
			t.Fatalf("Normalize not idempotent on %q", text)
		}
		if n := MinifiedLen(text); n != len(norm) {
			t.Fatalf("MinifiedLen = %d, len(Normalize) = %d", n, len(norm))
		}
		d, err := Parse(text)
		if err != nil {
			if _, ok := err.(*ParseError); !ok {
				t.Fatalf("Parse error %T %v is not a *ParseError", err, err)
			}
			return
		}
		if d.Size() != len(norm) {
			t.Fatalf("Size() = %d, len(Normalize) = %d", d.Size(), len(norm))
		}
		req := Request{Action: action, Resource: resource, Principal: alice,
			Context: map[string][]string{strings.ToLower(key): {val, val + "x"}, "aws:sourceip": {val}}}
		got := d.Evaluate(req)
		if again := d.Evaluate(req); again != got {
			t.Fatalf("Evaluate not deterministic: %v then %v", got, again)
		}
		Evaluate(req, []*Document{d}, d)
		d2, err := Parse(norm)
		if err != nil {
			t.Fatalf("Parse(Normalize(x)) failed: %v\n%s", err, norm)
		}
		if d2.Evaluate(req) != got {
			t.Fatalf("normalized document decides differently")
		}
	})
}

// FuzzGlob checks the wildcard matcher against regexp, a naive but
// trusted reference.
func FuzzGlob(f *testing.F) {
	for _, s := range []string{"*", "a*b?c", "**", "?", "arn:aws:s3:*:*:accesspoint/*/object/*", "ÄRGER*", ""} {
		f.Add(s, "arn:aws:s3:us-east-1:1:accesspoint/ap/object/k", false)
		f.Add(s, "ärger-abc", true)
	}
	f.Fuzz(func(t *testing.T, pat, s string, fold bool) {
		if !utf8.ValidString(pat) || !utf8.ValidString(s) {
			return
		}
		var re strings.Builder
		re.WriteString("^(?s)")
		if fold {
			re.WriteString("(?i)")
		}
		for _, r := range pat {
			switch r {
			case '*':
				re.WriteString(".*")
			case '?':
				re.WriteString(".")
			default:
				re.WriteString(regexp.QuoteMeta(string(r)))
			}
		}
		re.WriteString("$")
		want := regexp.MustCompile(re.String()).MatchString(s)
		p := compile(pat, true, false, fold)
		if got := p.match(s, &env{req: &Request{}}); got != want {
			t.Fatalf("match(%q, %q, fold=%v) = %v, regexp says %v", pat, s, fold, got, want)
		}
	})
}

// benchPolicy is a typical access point policy: a prefix-limited listing,
// per-user read/write through a variable, and a VPC guard.
const benchPolicy = `{"Version":"2012-10-17","Statement":[
 {"Sid":"List","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/Alice"},
  "Action":"s3:ListBucket","Resource":"` + ap + `",
  "Condition":{"StringLike":{"s3:prefix":["${aws:username}/*"]}}},
 {"Sid":"ReadWrite","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/Alice"},
  "Action":["s3:GetObject","s3:PutObject"],"Resource":"` + obj + `${aws:username}/*"},
 {"Sid":"VpcOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["` + ap + `","` + obj + `*"],
  "Condition":{"StringNotEquals":{"aws:SourceVpc":"vpc-1a2b3c4d"}}}]}`

func benchRequest() Request {
	return Request{Action: "s3:GetObject", Resource: obj + "Alice/docs/report.pdf", Principal: alice,
		Context: map[string][]string{"aws:sourcevpc": {"vpc-1a2b3c4d"}, "aws:sourceip": {"10.0.0.7"}}}
}

func BenchmarkEvaluate(b *testing.B) {
	d := mustParse(b, benchPolicy, ResourcePolicy)
	req := benchRequest()
	if got := Evaluate(req, nil, d); got != Allow {
		b.Fatalf("Evaluate = %v, want Allow", got)
	}
	b.ReportAllocs()
	for b.Loop() {
		Evaluate(req, nil, d)
	}
}

func BenchmarkParse(b *testing.B) {
	text := []byte(benchPolicy)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(text); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseManySids: a document of 2,000 statements, each with its
// own Sid, as the largest documents the APIs take hold a few hundred
// (140 KB; was quadratic in the Sids: 16 ms here, now 13 ms).
func BenchmarkParseManySids(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"Version":"2012-10-17","Statement":[`)
	for i := range 2000 {
		if i > 0 {
			sb.WriteString(",")
		}
		fmt.Fprintf(&sb, `{"Sid":"S%d","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`, i)
	}
	sb.WriteString("]}")
	text := []byte(sb.String())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(text); err != nil {
			b.Fatal(err)
		}
	}
}
