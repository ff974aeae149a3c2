package authz

import (
	"context"
	"testing"
	"time"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/policy"
)

// TestRequestKeys: the global keys AWS puts in every signed request are
// in every request here too, and a client's own map cannot set them.
func TestRequestKeys(t *testing.T) {
	c := newTestChecker(t)
	c.Region = "eu-west-3"
	issued := time.Date(2026, 12, 7, 20, 15, 0, 0, time.UTC)
	session := user("pete")
	session.Temporary, session.TokenIssued = true, issued
	old := user("pete")
	old.Temporary = true // a session stored before issue times were kept
	forged := map[string][]string{"aws:viaawsservice": {"true"}, "aws:TokenIssueTime": {"2099-01-01T00:00:00Z"},
		"aws:requestedregion": {"us-west-2"}, "aws:MultiFactorAuthPresent": {"true"}}
	const absent = "(absent)"
	for _, tc := range []struct {
		name   string
		p      *fsxd.Principal
		action string
		want   map[string]string
	}{
		{"long-term key", user("pete"), "s3:GetObject", map[string]string{
			"aws:principalisawsservice": "false", "aws:viaawsservice": "false", "aws:requestedregion": "eu-west-3",
			"aws:tokenissuetime": absent, "aws:multifactorauthpresent": absent}},
		{"session", session, "s3:GetObject", map[string]string{
			"aws:tokenissuetime": "2026-12-07T20:15:00Z", "aws:multifactorauthpresent": "false", "aws:viaawsservice": "false"}},
		{"session without issue time", old, "fsx:DescribeVolumes", map[string]string{
			"aws:tokenissuetime": absent, "aws:multifactorauthpresent": "false"}},
		{"iam is global", user("pete"), "iam:GetUser", map[string]string{"aws:requestedregion": "us-east-1"}},
		{"sts is regional", user("pete"), "sts:AssumeRole", map[string]string{"aws:requestedregion": "eu-west-3"}},
		{"root", root, "s3:GetObject", map[string]string{"aws:principalisawsservice": "false", "aws:tokenissuetime": absent}},
	} {
		keys := c.conditionKeys(&Request{Principal: tc.p, Action: tc.action, Context: forged})
		for k, want := range tc.want {
			got, ok := keys[k]
			switch {
			case want == absent && ok:
				t.Errorf("%s: %s = %q, want it absent", tc.name, k, got)
			case want != absent && (len(got) != 1 || got[0] != want):
				t.Errorf("%s: %s = %q, want %q", tc.name, k, got, want)
			}
		}
	}
}

// TestGlobalKeyPolicies runs AWS's own published policies that rest on
// the global keys: the IAM console's "revoke active sessions" Deny, the
// source-IP fence that exempts calls made through AWS services, and an
// Allow pinned to a Region.
func TestGlobalKeyPolicies(t *testing.T) {
	c := newTestChecker(t)
	c.Region = "us-east-1"
	cutoff := time.Date(2026, 12, 7, 21, 0, 0, 0, time.UTC)
	docs := map[string][]*policy.Document{}
	allowAll := `{"Effect":"Allow","Action":"*","Resource":"*"}`
	for name, deny := range map[string]string{
		"revoked": `{"Effect":"Deny","Action":["*"],"Resource":["*"],"Condition":{"DateLessThan":{"aws:TokenIssueTime":"2026-12-07T21:00:00Z"}}}`,
		"fenced":  `{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":["192.0.2.0/24"]},"Bool":{"aws:ViaAWSService":"false"}}}`,
		"fenced2": `{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":["192.0.2.0/24"]},"Bool":{"aws:PrincipalIsAWSService":"false"}}}`,
	} {
		docs[name] = []*policy.Document{mustParse(t, `{"Version":"2012-10-17","Statement":[`+allowAll+`,`+deny+`]}`, policy.IdentityPolicy)}
	}
	docs["regional"] = []*policy.Document{mustParse(t, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}}}`, policy.IdentityPolicy)}
	docs["elsewhere"] = []*policy.Document{mustParse(t, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}}`, policy.IdentityPolicy)}
	c.Identity = func(_ context.Context, p *fsxd.Principal) ([]*policy.Document, error) { return docs[p.UserName], nil }
	as := func(name string, issued time.Time) *fsxd.Principal {
		p := user(name)
		p.Temporary, p.TokenIssued = !issued.IsZero(), issued
		return p
	}
	data := ap(t, "data", "")
	for _, tc := range []struct {
		name string
		p    *fsxd.Principal
		ip   string
		want bool
	}{
		{"session issued before the cutoff", as("revoked", cutoff.Add(-time.Minute)), "127.0.0.1", deny_},
		{"session issued after the cutoff", as("revoked", cutoff.Add(time.Minute)), "127.0.0.1", allow},
		{"long-term key beside the revocation", as("revoked", time.Time{}), "127.0.0.1", allow},
		{"outside the fence (ViaAWSService)", as("fenced", time.Time{}), "127.0.0.1", deny_},
		{"inside the fence (ViaAWSService)", as("fenced", time.Time{}), "192.0.2.9", allow},
		{"outside the fence (PrincipalIsAWSService)", as("fenced2", time.Time{}), "127.0.0.1", deny_},
		{"inside the fence (PrincipalIsAWSService)", as("fenced2", time.Time{}), "192.0.2.9", allow},
		{"allowed in this Region", as("regional", time.Time{}), "127.0.0.1", allow},
		{"allowed only in another Region", as("elsewhere", time.Time{}), "127.0.0.1", deny_},
	} {
		err := c.Check(context.Background(), Request{Principal: tc.p, Action: "s3:GetObject", Resource: obj("data", "a"), AccessPoint: data, SourceIP: tc.ip})
		if got := err == nil; got != tc.want {
			t.Errorf("%s: allowed %v (%v), want %v", tc.name, got, err, tc.want)
		}
	}
}
