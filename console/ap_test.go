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
