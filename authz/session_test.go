package authz

import (
	"context"
	"errors"
	"testing"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/policy"
)

// TestCheckSession is the session-policy truth table: a temporary
// principal whose identity policies allow s3:* ("pete") may do only what
// one of its session policies allows as well; nil means no session policy,
// an empty list (its managed session policies deleted) allows nothing.
func TestCheckSession(t *testing.T) {
	c := newTestChecker(t)
	data := ap(t, "data", "")
	getA := mustParse(t, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"`+obj("data", "a/*")+`"}}`, policy.IdentityPolicy)
	getB := mustParse(t, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"`+obj("data", "b/*")+`"}}`, policy.IdentityPolicy)
	fsxAll := mustParse(t, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"fsx:*","Resource":"*"}}`, policy.IdentityPolicy)
	sessions := map[string][]*policy.Document{
		"none":     nil,
		"a":        {getA},
		"a+b":      {getA, getB},
		"emptied":  {},
		"fsx only": {fsxAll},
	}
	c.Session = func(_ context.Context, p *fsxd.Principal) ([]*policy.Document, error) {
		if p.SessionName == "broken" {
			return nil, errors.New("store unavailable")
		}
		return sessions[p.SessionName], nil
	}
	pete := func(session string, temporary bool) *fsxd.Principal {
		p := user("pete")
		p.Temporary, p.SessionName = temporary, session
		return p
	}
	for _, tc := range []struct {
		session   string
		temporary bool
		key       string
		want      bool
	}{
		{"none", true, "a/x", allow},
		{"a", true, "a/x", allow},
		{"a", true, "b/x", deny_},
		{"a", false, "b/x", allow}, // a long-term key has no session
		{"a+b", true, "b/x", allow},
		{"a+b", true, "c/x", deny_},
		{"emptied", true, "a/x", deny_},
		{"fsx only", true, "a/x", deny_}, // the session policy cannot widen nor stand in
	} {
		err := c.Check(context.Background(), Request{Principal: pete(tc.session, tc.temporary), Action: "s3:GetObject",
			Resource: obj("data", tc.key), AccessPoint: data, SourceIP: "127.0.0.1"})
		if got := err == nil; got != tc.want {
			t.Errorf("session %q (temporary %v) GetObject %s: allowed %v (%v), want %v", tc.session, tc.temporary, tc.key, got, err, tc.want)
		}
	}
	// Session policies never grant what the identity policies do not.
	err := c.Check(context.Background(), Request{Principal: pete("fsx only", true), Action: "fsx:DeleteVolume", Resource: "*"})
	if !errors.Is(err, ErrDenied) {
		t.Errorf("fsx:DeleteVolume beyond the identity policies: %v", err)
	}
	// A session of the root user (GetFederationToken) is narrowed by its
	// session policy like any other; without one (GetSessionToken) it is root.
	for _, tc := range []struct {
		session, action, key string
		want                 bool
	}{
		{"a", "s3:GetObject", "a/x", allow},
		{"a", "s3:PutObject", "a/x", deny_},
		{"a", "s3:GetObject", "b/x", deny_},
		{"emptied", "s3:GetObject", "a/x", deny_},
		{"none", "s3:PutObject", "b/x", allow},
	} {
		r := *root
		r.Temporary, r.SessionName = true, tc.session
		err := c.Check(context.Background(), Request{Principal: &r, Action: tc.action, Resource: obj("data", tc.key), AccessPoint: data, SourceIP: "127.0.0.1"})
		if got := err == nil; got != tc.want {
			t.Errorf("root session %q %s %s: allowed %v (%v), want %v", tc.session, tc.action, tc.key, got, err, tc.want)
		}
	}
	err = c.Check(context.Background(), Request{Principal: pete("broken", true), Action: "s3:GetObject", Resource: obj("data", "a/x"), AccessPoint: data})
	if err == nil || errors.Is(err, ErrDenied) {
		t.Errorf("a session policy that can't be loaded: %v, want a failure that is not a denial", err)
	}
}

// TestFederatedConditionKeys: a federated user session is seen by
// policies as AWS shows it: aws:PrincipalType FederatedUser, aws:userid
// <account>:<name>, no aws:username.
func TestFederatedConditionKeys(t *testing.T) {
	c := newTestChecker(t)
	p := user("pete")
	p.Temporary, p.FederatedUser = true, "carl"
	keys := c.conditionKeys(&Request{Principal: p})
	for k, want := range map[string]string{"aws:principaltype": "FederatedUser", "aws:userid": acct + ":carl", "aws:username": ""} {
		if got := keys[k]; len(got) != 1 && want != "" || len(got) > 0 && got[0] != want || want == "" && len(got) > 0 {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
}
