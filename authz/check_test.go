package authz

import (
	"context"
	"errors"
	"testing"

	"github.com/fsxd/fsxd"
)

const (
	allow = true
	deny_ = false
)

// TestCheck is the truth table: who, doing what, on what, through which
// access point, from where -> allowed?
func TestCheck(t *testing.T) {
	c := newTestChecker(t)
	data, shared := ap(t, "data", ""), ap(t, "shared", "")
	denyroot, iponly := ap(t, "denyroot", ""), ap(t, "iponly", "")
	local, remote := ap(t, "local", "vpc-0000000a"), ap(t, "remote", "vpc-0000000b")
	const lo, ten, web = "127.0.0.1", "10.0.3.4", "192.0.2.7"

	cases := []struct {
		name     string
		who      *fsxd.Principal
		action   string
		resource string
		ap       *AccessPointInfo
		ip       string
		tls      bool
		ctx      map[string][]string
		want     bool
	}{
		// Root: allowed unless explicitly denied; not above the VPC rule.
		{"root reads", root, "s3:GetObject", obj("data", "a"), data, lo, false, nil, allow},
		{"root mutates fsx", root, "fsx:DeleteVolume", "*", nil, lo, false, nil, allow},
		{"root iam", root, "iam:CreateUser", "arn:aws:iam::" + acct + ":user/x", nil, lo, false, nil, allow},
		{"root explicitly denied by ap policy", root, "s3:DeleteObject", obj("denyroot", "a"), denyroot, lo, false, nil, deny_},
		{"root other action on same ap", root, "s3:GetObject", obj("denyroot", "a"), denyroot, lo, false, nil, allow},
		{"root outside vpc", root, "s3:GetObject", obj("remote", "a"), remote, lo, false, nil, deny_},
		{"root inside vpc", root, "s3:GetObject", obj("local", "a"), local, lo, false, nil, allow},
		{"root denied by ip condition", root, "s3:GetObject", obj("iponly", "a"), iponly, web, false, nil, deny_},
		{"root passes ip condition", root, "s3:GetObject", obj("iponly", "a"), iponly, lo, false, nil, allow},
		{"nil principal", nil, "s3:GetObject", obj("data", "a"), data, lo, false, nil, deny_},

		// A user without policies gets nothing.
		{"bob no policy reads data", user("bob"), "s3:GetObject", obj("data", "a"), data, lo, false, nil, deny_},
		{"bob no policy fsx", user("bob"), "fsx:DescribeVolumes", "*", nil, lo, false, nil, deny_},
		{"bob no policy iam", user("bob"), "iam:GetUser", "arn:aws:iam::" + acct + ":user/bob", nil, lo, false, nil, deny_},

		// Identity policies.
		{"alice reads", user("alice"), "s3:GetObject", obj("data", "x/y"), data, lo, false, nil, allow},
		{"alice lists", user("alice"), "s3:ListBucket", apArn + "data", data, lo, false, nil, allow},
		{"alice action is case-insensitive", user("alice"), "S3:getobject", obj("data", "x"), data, lo, false, nil, allow},
		{"alice cannot delete", user("alice"), "s3:DeleteObject", obj("data", "x"), data, lo, false, nil, deny_},
		{"alice puts in her home", user("alice"), "s3:PutObject", obj("data", "alice/f"), data, lo, false, nil, allow},
		{"alice cannot put elsewhere", user("alice"), "s3:PutObject", obj("data", "bob/f"), data, lo, false, nil, deny_},
		{"alice describes fsx", user("alice"), "fsx:DescribeFileSystems", "*", nil, lo, false, nil, allow},
		{"alice cannot create volume", user("alice"), "fsx:CreateVolume", "*", nil, lo, false, nil, deny_},
		{"frank may do anything", user("frank"), "fsx:CreateVolume", "*", nil, lo, false, nil, allow},
		{"frank denied fsx deletes", user("frank"), "fsx:DeleteVolume", "*", nil, lo, false, nil, deny_},
		{"pete deny in second doc", user("pete"), "s3:DeleteObject", obj("data", "a"), data, lo, false, nil, deny_},
		{"pete allow in first doc", user("pete"), "s3:PutObject", obj("data", "a"), data, lo, false, nil, allow},
		{"kate gets herself", user("kate"), "iam:GetUser", "arn:aws:iam::" + acct + ":user/kate", nil, lo, false, nil, allow},
		{"kate not others", user("kate"), "iam:GetUser", "arn:aws:iam::" + acct + ":user/bob", nil, lo, false, nil, deny_},

		// Access point policy: same-account Allow suffices; Deny wins.
		{"bob allowed by ap policy", user("bob"), "s3:GetObject", obj("shared", "doc"), shared, lo, false, nil, allow},
		{"bob lists via ap policy", user("bob"), "s3:ListBucket", apArn + "shared", shared, lo, false, nil, allow},
		{"bob ap policy has no put", user("bob"), "s3:PutObject", obj("shared", "doc"), shared, lo, false, nil, deny_},
		{"bob ap deny on prefix", user("bob"), "s3:GetObject", obj("shared", "secret/k"), shared, lo, false, nil, deny_},
		{"alice identity allow beaten by ap deny", user("alice"), "s3:GetObject", obj("shared", "secret/k"), shared, lo, false, nil, deny_},
		{"alice identity allow elsewhere on ap", user("alice"), "s3:GetObject", obj("shared", "public/k"), shared, lo, false, nil, allow},
		{"root beaten by ap deny on prefix", root, "s3:GetObject", obj("shared", "secret/k"), shared, lo, false, nil, deny_},
		{"frank identity allow, ap deny", user("frank"), "s3:PutObject", obj("shared", "secret/k"), shared, lo, false, nil, deny_},
		{"cross-account needs both sides", outside, "s3:GetObject", obj("shared", "doc"), shared, lo, false, nil, deny_},

		// VPC rule: 127.0.0.0/8 vs 10.0.0.0/16.
		{"alice local vpc from loopback", user("alice"), "s3:GetObject", obj("local", "a"), local, lo, false, nil, allow},
		{"alice local vpc from ::1", user("alice"), "s3:GetObject", obj("local", "a"), local, "::1", false, nil, allow},
		{"alice local vpc from 10/16", user("alice"), "s3:GetObject", obj("local", "a"), local, ten, false, nil, deny_},
		{"alice remote vpc from loopback", user("alice"), "s3:GetObject", obj("remote", "a"), remote, lo, false, nil, deny_},
		{"alice remote vpc from 10/16", user("alice"), "s3:GetObject", obj("remote", "a"), remote, ten, false, nil, allow},
		{"alice remote vpc from 10.1/16", user("alice"), "s3:GetObject", obj("remote", "a"), remote, "10.1.0.1", false, nil, deny_},
		{"garbage source ip", user("alice"), "s3:GetObject", obj("local", "a"), local, "not-an-ip", false, nil, deny_},
		{"undeclared vpc fails closed", root, "s3:GetObject", obj("x", "a"), &AccessPointInfo{Name: "x", ARN: apArn + "x", AccountID: acct, VpcID: "vpc-0000000f"}, lo, false, nil, deny_},
		{"frank all-allow still outside vpc", user("frank"), "s3:GetObject", obj("remote", "a"), remote, lo, false, nil, deny_},

		// Condition keys are populated.
		{"aws:SourceIp in range", user("dave"), "s3:GetObject", obj("data", "a"), data, web, false, nil, allow},
		{"aws:SourceIp out of range", user("dave"), "s3:GetObject", obj("data", "a"), data, lo, false, nil, deny_},
		{"aws:SourceIp can't be forged by context", user("dave"), "s3:GetObject", obj("data", "a"), data, lo, false,
			map[string][]string{"aws:SourceIp": {web}}, deny_},
		{"s3:DataAccessPointArn matches", user("erin"), "s3:GetObject", obj("data", "a"), data, lo, false, nil, allow},
		{"s3:DataAccessPointArn other ap", user("erin"), "s3:GetObject", obj("shared", "a"), shared, lo, false, nil, deny_},
		{"s3:DataAccessPointArn absent without ap", user("erin"), "s3:GetObject", "*", nil, lo, false, nil, deny_},
		{"s3:DataAccessPointArn not forgeable", user("erin"), "s3:GetObject", "*", nil, lo, false,
			map[string][]string{"s3:DataAccessPointArn": {apArn + "data"}}, deny_},
		{"aws:SecureTransport true", user("gina"), "s3:GetObject", obj("data", "a"), data, lo, true, nil, allow},
		{"aws:SecureTransport false", user("gina"), "s3:GetObject", obj("data", "a"), data, lo, false, nil, deny_},
		{"aws:SourceVpc set in vpc", user("hank"), "s3:GetObject", obj("data", "a"), data, lo, false, nil, allow},
		{"aws:SourceVpc other vpc", user("hank"), "s3:GetObject", obj("remote", "a"), remote, ten, false, nil, deny_},
		{"aws:SourceVpc absent outside", user("hank"), "s3:GetObject", obj("data", "a"), data, web, false, nil, deny_},
		{"aws:VpcSourceIp in a vpc", user("quinn"), "s3:GetObject", obj("remote", "a"), remote, ten, false, nil, allow},
		{"aws:VpcSourceIp absent outside vpcs", user("quinn"), "s3:GetObject", obj("data", "a"), data, "10.9.0.1", false, nil, deny_},
		{"s3:prefix with variable", user("ivan"), "s3:ListBucket", apArn + "data", data, lo, false,
			map[string][]string{"s3:prefix": {"home/ivan/docs"}}, allow},
		{"s3:prefix of another user", user("ivan"), "s3:ListBucket", apArn + "data", data, lo, false,
			map[string][]string{"s3:prefix": {"home/bob/"}}, deny_},
		{"s3:prefix absent", user("ivan"), "s3:ListBucket", apArn + "data", data, lo, false, nil, deny_},
		{"s3:AccessPointNetworkOrigin VPC", user("judy"), "s3:GetObject", obj("local", "a"), local, lo, false, nil, allow},
		{"s3:AccessPointNetworkOrigin Internet", user("judy"), "s3:GetObject", obj("data", "a"), data, lo, false, nil, deny_},
		{"aws:CurrentTime and EpochTime", user("leo"), "s3:GetObject", obj("data", "a"), data, lo, false, nil, allow},
		{"aws:CurrentTime in the future", user("mike"), "s3:GetObject", obj("data", "a"), data, lo, false, nil, deny_},
		{"principal keys", user("nina"), "s3:GetObject", obj("data", "a"), data, lo, false, nil, allow},
		{"existing object tag, mixed-case key", user("oscar"), "s3:GetObject", obj("data", "a"), data, lo, false,
			map[string][]string{"s3:ExistingObjectTag/Class": {"public"}}, allow},
		{"existing object tag mismatch", user("oscar"), "s3:GetObject", obj("data", "a"), data, lo, false,
			map[string][]string{"s3:ExistingObjectTag/Class": {"secret"}}, deny_},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := c.Check(context.Background(), Request{
				Principal: tc.who, Action: tc.action, Resource: tc.resource, Context: tc.ctx,
				SourceIP: tc.ip, SecureTransport: tc.tls, AccessPoint: tc.ap,
			})
			if err != nil && !errors.Is(err, ErrDenied) {
				t.Fatalf("Check: %v, want nil or ErrDenied", err)
			}
			if got := err == nil; got != tc.want {
				t.Errorf("allowed = %v, want %v (%v)", got, tc.want, err)
			}
		})
	}
	if len(cases) < 40 {
		t.Errorf("only %d cases", len(cases))
	}
}

func TestCheckLoaderError(t *testing.T) {
	c := newTestChecker(t)
	err := c.Check(context.Background(), Request{Principal: user("broken"), Action: "s3:GetObject", Resource: "*"})
	if err == nil || errors.Is(err, ErrDenied) {
		t.Fatalf("Check with a failing loader = %v, want a non-denial error", err)
	}
}

func TestDenialHidesNothingFromLog(t *testing.T) {
	c := newTestChecker(t)
	err := c.Check(context.Background(), Request{Principal: user("bob"), Action: "s3:PutObject", Resource: obj("data", "k"), SourceIP: "127.0.0.1"})
	var d *Denial
	if !errors.As(err, &d) || d.Reason == "" {
		t.Fatalf("err = %v, want a *Denial with a reason", err)
	}
}

func TestCheckDoesNotMutateContext(t *testing.T) {
	c := newTestChecker(t)
	ctx := map[string][]string{"s3:prefix": {"a"}}
	c.Check(context.Background(), Request{Principal: user("ivan"), Action: "s3:ListBucket", Resource: "*", Context: ctx, SourceIP: "127.0.0.1"})
	if len(ctx) != 1 {
		t.Fatalf("Check changed the caller's context: %v", ctx)
	}
}

func TestCheckAll(t *testing.T) {
	c := newTestChecker(t)
	base := Request{Principal: user("frank"), SourceIP: "127.0.0.1"}
	ok := []Need{{Action: "fsx:CreateAndAttachS3AccessPoint", Resource: "*"}, {Action: "s3:CreateAccessPoint", Resource: apArn + "x"}}
	if err := c.CheckAll(context.Background(), base, ok); err != nil {
		t.Errorf("CheckAll = %v", err)
	}
	bad := append(ok, Need{Action: "fsx:DeleteVolume", Resource: "*"})
	if err := c.CheckAll(context.Background(), base, bad); !errors.Is(err, ErrDenied) {
		t.Errorf("CheckAll with one denied need = %v", err)
	}
}

func TestSourceFromContext(t *testing.T) {
	c := newTestChecker(t)
	req := Request{Principal: user("dave"), Action: "s3:GetObject", Resource: "*"}
	if err := c.Check(context.Background(), req); err == nil {
		t.Error("no source: allowed")
	}
	ctx := WithSource(context.Background(), Source{SourceIP: "192.0.2.9"})
	if err := c.Check(ctx, req); err != nil {
		t.Errorf("source from context: %v", err)
	}
	req.SourceIP = "127.0.0.1" // the request's own wins
	if err := c.Check(ctx, req); err == nil {
		t.Error("request's SourceIP ignored")
	}
}

// TestCheckAllNeedContext: a need's own condition keys (the named
// resource's tags) apply to that need only, on top of the request's.
func TestCheckAllNeedContext(t *testing.T) {
	c := newTestChecker(t)
	ctx := context.Background()
	tagged := map[string][]string{"aws:ResourceTag/protected": {"true"}}
	check := func(what string, base map[string][]string, needs []Need, denied bool) {
		t.Helper()
		err := c.CheckAll(ctx, Request{Principal: user("rita"), SourceIP: "127.0.0.1", Context: base}, needs)
		if errors.Is(err, ErrDenied) != denied {
			t.Errorf("%s: CheckAll = %v, want denied %v", what, err, denied)
		}
	}
	vol := Need{Action: "fsx:DeleteVolume", Resource: "*"}
	protected := Need{Action: "fsx:DeleteVolume", Resource: "*", Context: tagged}
	check("untagged resource", nil, []Need{vol}, false)
	check("tagged resource", nil, []Need{vol, protected}, true)
	importing := map[string][]string{"aws:TagKeys": {"team", "fsxd:import-path"}}
	other := Need{Action: "fsx:DeleteVolume", Resource: "*", Context: map[string][]string{"aws:ResourceTag/protected": {"no"}}}
	check("request tag keys", importing, []Need{vol}, true)
	check("request keys kept beside a need's own", importing, []Need{other}, true)
	check("other request tag, other resource tag", map[string][]string{"aws:TagKeys": {"team"}}, []Need{other}, false)
}

// TestDenialLayer: each refusal names the layer an operator must look at.
func TestDenialLayer(t *testing.T) {
	c := newTestChecker(t)
	data, shared, remote := ap(t, "data", ""), ap(t, "shared", ""), ap(t, "remote", "vpc-0000000b")
	cases := []struct {
		name     string
		who      *fsxd.Principal
		action   string
		resource string
		ap       *AccessPointInfo
		want     Layer
	}{
		{"no identity allow, no ap policy", user("bob"), "fsx:DescribeVolumes", "*", nil, LayerIdentity},
		{"identity explicit deny", user("frank"), "fsx:DeleteVolume", "*", nil, LayerIdentity},
		{"ap policy explicit deny", user("alice"), "s3:GetObject", obj("shared", "secret/k"), shared, LayerAccessPoint},
		{"neither side allows", user("bob"), "s3:PutObject", obj("shared", "doc"), shared, LayerNoAllow},
		{"outside the vpc", root, "s3:GetObject", obj("remote", "a"), remote, LayerVPC},
		{"data ap has no policy", user("bob"), "s3:GetObject", obj("data", "a"), data, LayerIdentity},
	}
	for _, tc := range cases {
		err := c.Check(context.Background(), Request{Principal: tc.who, Action: tc.action, Resource: tc.resource, AccessPoint: tc.ap, SourceIP: "127.0.0.1"})
		var d *Denial
		if !errors.As(err, &d) {
			t.Errorf("%s: err = %v, want a *Denial", tc.name, err)
			continue
		}
		if d.Layer != tc.want || d.Action != tc.action || d.Resource != tc.resource {
			t.Errorf("%s: layer %q action %q resource %q, want %q %q %q", tc.name, d.Layer, d.Action, d.Resource, tc.want, tc.action, tc.resource)
		}
	}
}
