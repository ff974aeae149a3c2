package policy

import (
	"testing"

	"github.com/fsxd/fsxd"
)

// Identity and resource policies together, and AWS's published access point
// policy examples (S3 user guide, "Configuring IAM policies for using access
// points"), rewritten for our account and access point.

type combineCase struct {
	name     string
	identity []string // identity policies; "" for none
	resource string   // access point policy; "" for none
	req      Request
	want     Decision
}

var (
	idAllowGet   = doc(stmt("Allow", "", `"s3:GetObject"`, allObjects))
	idDenyGet    = doc(stmt("Deny", "", `"s3:GetObject"`, `"*"`))
	apAllowBob   = doc(stmt("Allow", `"Principal":{"AWS":"arn:aws:iam::111122223333:user/Bob"},`, `"s3:GetObject"`, allObjects))
	apAllowAny   = doc(stmt("Allow", `"Principal":{"AWS":"*"},`, `"s3:GetObject"`, allObjects))
	apDenyAll    = doc(stmt("Deny", `"Principal":"*",`, `"s3:*"`, `"*"`))
	apNoPrinc    = doc(stmt("Allow", "", `"s3:GetObject"`, allObjects))
	apAllowCarol = doc(stmt("Allow", `"Principal":{"AWS":"444455556666"},`, `"s3:GetObject"`, allObjects))
	apAllowAcct  = doc(stmt("Allow", `"Principal":{"AWS":"arn:aws:iam::111122223333:root"},`, `"s3:GetObject"`, allObjects))
	apAllowNot   = doc(stmt("Allow", `"NotPrincipal":{"AWS":["arn:aws:iam::111122223333:user/Bob","111122223333"]},`, `"s3:GetObject"`, allObjects))
	// The account first, then Alice by name: the second Allow counts.
	apAcctThenAlice = `{"Version":"2012-10-17","Statement":[` +
		stmt("Allow", `"Principal":{"AWS":"111122223333"},`, `"s3:GetObject"`, allObjects) + `,` +
		stmt("Allow", `"Principal":{"AWS":"arn:aws:iam::111122223333:user/Alice"},`, `"s3:GetObject"`, allObjects) + `]}`

	// Example 1: grant Alice GET and PUT under her own prefix.
	exGrant = `{"Version":"2012-10-17","Statement":[{
		"Effect":"Allow",
		"Principal":{"AWS":"arn:aws:iam::111122223333:user/Alice"},
		"Action":["s3:GetObject","s3:PutObject"],
		"Resource":"arn:aws:s3:us-east-1:111122223333:accesspoint/ap1/object/Alice/*"}]}`
	// Example 2: list only her prefix.
	exList = `{"Version":"2012-10-17","Statement":[{
		"Effect":"Allow",
		"Principal":{"AWS":"arn:aws:iam::111122223333:user/Alice"},
		"Action":"s3:ListBucket",
		"Resource":"arn:aws:s3:us-east-1:111122223333:accesspoint/ap1",
		"Condition":{"StringLike":{"s3:prefix":"Alice/*"}}}]}`
	// Example 3: tagged objects only.
	exTag = `{"Version":"2012-10-17","Statement":[{
		"Effect":"Allow",
		"Principal":{"AWS":"arn:aws:iam::111122223333:user/Alice"},
		"Action":"s3:GetObject",
		"Resource":"arn:aws:s3:us-east-1:111122223333:accesspoint/ap1/object/*",
		"Condition":{"StringEquals":{"s3:ExistingObjectTag/data":"finance"}}}]}`
	// Deny everything that doesn't come from the VPC.
	exVpc = `{"Version":"2012-10-17","Statement":[{
		"Sid":"DenyOutsideVpc",
		"Effect":"Deny",
		"Principal":"*",
		"Action":"s3:*",
		"Resource":["arn:aws:s3:us-east-1:111122223333:accesspoint/ap1",
		            "arn:aws:s3:us-east-1:111122223333:accesspoint/ap1/object/*"],
		"Condition":{"StringNotEquals":{"aws:SourceVpc":"vpc-1a2b3c4d"}}}]}`
	// Bucket policy delegating access control to the owner's access points.
	exDelegate = `{"Version":"2012-10-17","Statement":{
		"Effect":"Allow",
		"Principal":{"AWS":"*"},
		"Action":"*",
		"Resource":["arn:aws:s3:::amzn-s3-demo-bucket","arn:aws:s3:::amzn-s3-demo-bucket/*"],
		"Condition":{"StringEquals":{"s3:DataAccessPointAccount":"111122223333"}}}}`
	idAllowAll = doc(stmt("Allow", "", `"s3:*"`, `"*"`))
)

func with(r Request, ctx map[string][]string) Request { r.Context = ctx; return r }

var combineCases = []combineCase{
	{"identity allows, no AP policy", []string{idAllowGet}, "", get(alice, obj+"a"), Allow},
	{"nothing allows", nil, "", get(alice, obj+"a"), Deny},
	{"AP allows alone", nil, apAllowBob, get(bob, obj+"a"), Allow},
	{"AP allows someone else", nil, apAllowBob, get(alice, obj+"a"), Deny},
	{"AP denies over identity allow", []string{idAllowGet}, apDenyAll, get(alice, obj+"a"), ExplicitDeny},
	{"identity denies over AP allow", []string{idDenyGet}, apAllowBob, get(bob, obj+"a"), ExplicitDeny},
	{"any identity doc may deny", []string{idAllowGet, idDenyGet}, "", get(alice, obj+"a"), ExplicitDeny},
	{"any identity doc may allow", []string{doc(stmt("Allow", "", `"s3:PutObject"`, `"*"`)), idAllowGet}, "", get(alice, obj+"a"), Allow},
	{"AP statement without principal grants nobody", nil, apNoPrinc, get(alice, obj+"a"), Deny},
	{"AP wildcard principal", nil, apAllowAny, get(alice, obj+"a"), Allow},
	{"AP names the account: delegates, no identity allow", nil, apAllowAcct, get(alice, obj+"a"), Deny},
	{"AP names the account: delegates, identity allows", []string{idAllowGet}, apAllowAcct, get(alice, obj+"a"), Allow},
	{"AP names the account: a session of the account", nil, apAllowAcct, get(role, obj+"a"), Deny},
	{"AP names the account, then the caller", nil, apAcctThenAlice, get(alice, obj+"a"), Allow},
	{"AP NotPrincipal allows the others by name", nil, apAllowNot, get(alice, obj+"a"), Allow},
	{"AP NotPrincipal excludes Bob", nil, apAllowNot, get(bob, obj+"a"), Deny},
	{"cross-account: AP alone is not enough", nil, apAllowCarol, get(carol, obj+"a"), Deny},
	{"cross-account: identity alone is not enough", []string{idAllowGet}, "", get(carol, obj+"a"), Deny},
	{"cross-account: both allow", []string{idAllowGet}, apAllowCarol, get(carol, obj+"a"), Allow},
	{"cross-account by ResourceAccount", []string{idAllowGet}, "", Request{Action: "s3:GetObject", Resource: obj + "a", Principal: alice, ResourceAccount: "444455556666"}, Deny},
	{"root of the owning account", nil, "", get(root, obj+"a"), Allow},
	{"root is still subject to explicit deny", nil, apDenyAll, get(root, obj+"a"), ExplicitDeny},
	{"root of another account", nil, "", get(fsxd.Principal{AccountID: "444455556666", IsRoot: true}, obj+"a"), Deny},
	{"root of another account, AP allows it", nil, apAllowCarol, get(fsxd.Principal{AccountID: "444455556666", IsRoot: true}, obj+"a"), Allow},

	{"ex1 Alice gets her object", nil, exGrant, get(alice, obj+"Alice/notes.txt"), Allow},
	{"ex1 Alice puts her object", nil, exGrant, as(alice, "s3:PutObject", obj+"Alice/notes.txt"), Allow},
	{"ex1 Alice can't delete", nil, exGrant, as(alice, "s3:DeleteObject", obj+"Alice/notes.txt"), Deny},
	{"ex1 Alice can't read Bob's", nil, exGrant, get(alice, obj+"Bob/notes.txt"), Deny},
	{"ex1 Bob can't read Alice's", nil, exGrant, get(bob, obj+"Alice/notes.txt"), Deny},
	{"ex1 other access point", nil, exGrant, get(alice, "arn:aws:s3:us-east-1:111122223333:accesspoint/ap2/object/Alice/x"), Deny},
	{"ex2 list her prefix", nil, exList, with(as(alice, "s3:ListBucket", ap), kv("s3:prefix", "Alice/")), Allow},
	{"ex2 list another prefix", nil, exList, with(as(alice, "s3:ListBucket", ap), kv("s3:prefix", "Bob/")), Deny},
	{"ex2 list everything", nil, exList, as(alice, "s3:ListBucket", ap), Deny},
	{"ex3 tagged finance", nil, exTag, with(get(alice, obj+"r.csv"), kv("s3:existingobjecttag/data", "finance")), Allow},
	{"ex3 tagged other", nil, exTag, with(get(alice, obj+"r.csv"), kv("s3:existingobjecttag/data", "hr")), Deny},
	{"ex3 untagged", nil, exTag, get(alice, obj+"r.csv"), Deny},
	{"vpc: from the VPC", []string{idAllowAll}, exVpc, with(get(alice, obj+"a"), kv("aws:sourcevpc", "vpc-1a2b3c4d")), Allow},
	{"vpc: from another VPC", []string{idAllowAll}, exVpc, with(get(alice, obj+"a"), kv("aws:sourcevpc", "vpc-0000")), ExplicitDeny},
	{"vpc: from the internet", []string{idAllowAll}, exVpc, get(alice, obj+"a"), ExplicitDeny},
	{"vpc: list from the VPC", []string{idAllowAll}, exVpc, with(as(alice, "s3:ListBucket", ap), kv("aws:sourcevpc", "vpc-1a2b3c4d")), Allow},
	{"delegate: through owner's AP", nil, exDelegate, with(get(alice, "arn:aws:s3:::amzn-s3-demo-bucket/k"), kv("s3:dataaccesspointaccount", acct)), Allow},
	{"delegate: through another account's AP", nil, exDelegate, with(get(alice, "arn:aws:s3:::amzn-s3-demo-bucket/k"), kv("s3:dataaccesspointaccount", "444455556666")), Deny},
	{"delegate: directly, no AP", nil, exDelegate, get(alice, "arn:aws:s3:::amzn-s3-demo-bucket/k"), Deny},
	{"delegate: bucket itself", nil, exDelegate, with(as(alice, "s3:ListBucket", "arn:aws:s3:::amzn-s3-demo-bucket"), kv("s3:dataaccesspointaccount", acct)), Allow},
}

func TestEvaluate(t *testing.T) {
	for _, c := range combineCases {
		var ids []*Document
		for _, p := range c.identity {
			ids = append(ids, mustParse(t, p, IdentityPolicy), nil) // nils must be skipped
		}
		var res *Document
		if c.resource != "" {
			res = mustParse(t, c.resource, 0)
		}
		if got := Evaluate(c.req, ids, res); got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}

// mustParse parses with ParseKind, or Parse for kind 0.
func mustParse(t testing.TB, text string, k Kind) *Document {
	t.Helper()
	d, err := ParseKind([]byte(text), k)
	if err != nil {
		t.Fatalf("parse %s: %v", text, err)
	}
	return d
}
