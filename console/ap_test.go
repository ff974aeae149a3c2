package console

import (
	"strings"
	"testing"

	"github.com/fsxd/fsxd/policy"
)

func TestCheckPolicyPointsAtTheBadByte(t *testing.T) {
	for _, c := range []struct{ doc, want string }{
		{"{\n  \"Statement\": [}\n", "line 2, column 17"},
		{"{,}", "line 1, column 2"},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`, "Missing required field Principal"},
	} {
		got := checkPolicy(c.doc, policy.ResourcePolicy)
		if !strings.Contains(strings.ToLower(got), strings.ToLower(c.want)) {
			t.Errorf("checkPolicy(%q) = %q, want %q", c.doc, got, c.want)
		}
	}
}

// TestCheckPolicyNamesTheStatement: a document the parser refuses is
// reported at the statement it refuses; a problem outside the statements
// is reported without a place.
func TestCheckPolicyNamesTheStatement(t *testing.T) {
	good := `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`
	bad := `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}`
	for _, c := range []struct{ doc, want string }{
		{`{"Version":"2012-10-17","Statement":[` + bad + `]}`, "statement 1 (line 1, column 38): "},
		{"{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    " + good + ",\n    " + bad + "\n  ]\n}", "statement 2 (line 5, column 5): "},
		{`{"Version":"1999-01-01","Statement":[` + good + `]}`, ""},
	} {
		got := checkPolicy(c.doc, policy.IdentityPolicy)
		if got == "" || !strings.HasPrefix(got, c.want) || c.want == "" && strings.HasPrefix(got, "statement") {
			t.Errorf("checkPolicy(%s) = %q, want it to start %q", c.doc, got, c.want)
		}
	}
}

func FuzzStatementAt(f *testing.F) {
	f.Add(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}`)
	f.Add(`{"Statement":{"Effect":"Deny"}}`)
	f.Add(`{"Statement":[1, {"a":[]} ,"x"]}`)
	f.Fuzz(func(t *testing.T, text string) {
		_ = checkPolicy(text, policy.IdentityPolicy) // must not panic
		starts, elems := statements(text)
		for i, off := range starts {
			if off >= len(text) || !strings.HasPrefix(text[off:], string(elems[i][:1])) {
				t.Fatalf("statement %d of %q found at %d, which does not start it", i+1, text, off)
			}
		}
	})
}
