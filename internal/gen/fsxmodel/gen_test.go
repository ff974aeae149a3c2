package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden file")

// TestGolden generates from a toy model that exercises every construct
// (required members, enums, ranges, nested and recursive structures,
// lists of structures and of strings, timestamps, sensitive members, a
// translated look-around pattern, an untranslatable one, a repeat count
// beyond RE2's limit) and compares with testdata/golden.go.txt.
func TestGolden(t *testing.T) {
	got, err := build("testdata/model.json", "toy", []string{"CreateThing"})
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "golden.go.txt")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("generated code differs from %s (run go test -update):\n%s", golden, got)
	}
}

func TestUnknownOperation(t *testing.T) {
	if _, err := build("testdata/model.json", "toy", []string{"Nope"}); err == nil {
		t.Fatal("want an error for an operation missing from the model")
	}
}

// TestTranslations checks the hand translations and the anchoring against
// examples the model's Java patterns accept or reject.
func TestTranslations(t *testing.T) {
	cases := []struct {
		pattern string
		in      string
		ok      bool
	}{
		{`^(?=[a-z0-9])[a-z0-9-]{1,48}[a-z0-9]$`, "my-ap", true},
		{`^(?=[a-z0-9])[a-z0-9-]{1,48}[a-z0-9]$`, "-ap", false},
		{`^(?=[a-z0-9])[a-z0-9-]{1,48}[a-z0-9]$`, "ap-", false},
		{`^(?=[a-z0-9])[a-z0-9-]{1,48}[a-z0-9]$`, "Ap1", false},
		// Unanchored patterns match the whole value, as AWS matches them
		// (ClientRequestToken's is the model's one unanchored pattern).
		{`[A-za-z0-9_.-]{0,63}$`, "tok-1.a_B", true},
		{`[A-za-z0-9_.-]{0,63}$`, "t o k!", false},
		{`[A-za-z0-9_.-]{0,63}$`, "", true},
		{`[a-z]+|[0-9]+`, "abc1", false},
		{`^a$|^b$`, "b", true},
	}
	arn := `^arn:(?=[^:]+:fsx:[^:]+:\d{12}:)((|(?=[a-z0-9-.]{1,63})(?!\d{1,3}(\.\d{1,3}){3})(?![^:]*-{2})(?![^:]*-\.)(?![^:]*\.-)[a-z0-9].*(?<!-)):){4}(?!/).{0,1024}$`
	for _, c := range []struct {
		in string
		ok bool
	}{
		{"arn:aws:fsx:us-east-1:123456789012:file-system/fs-0123456789abcdef0", true},
		{"arn:aws-cn:fsx:cn-north-1:123456789012:volume/fs-0123456789abcdef0/fsvol-0123456789abcdef0", true},
		{"arn:aws:s3:us-east-1:123456789012:accesspoint/ap", true}, // left to the handler: NotServiceResourceError
		{"arn:aws:fsx:us-east-1:12345:file-system/fs-1", false},
		{"arn:aws:fsx:us-east-1:123456789012:/fs-1", false},
		{"nope", false},
	} {
		cases = append(cases, struct {
			pattern string
			in      string
			ok      bool
		}{arn, c.in, c.ok})
	}
	for _, c := range cases {
		re, ok, err := toRE2(c.pattern)
		if err != nil || !ok {
			t.Fatalf("toRE2(%q) = %v, %v", c.pattern, ok, err)
		}
		if got := regexp.MustCompile(re).MatchString(c.in); got != c.ok {
			t.Errorf("%s on %q = %v, want %v", re, c.in, got, c.ok)
		}
	}
}
