package policy

import (
	"strings"
	"testing"

	"github.com/fsxd/fsxd"
)

const (
	acct = "111122223333"
	ap   = "arn:aws:s3:us-east-1:111122223333:accesspoint/ap1"
	obj  = ap + "/object/"
)

var (
	alice = fsxd.Principal{AccountID: acct, ARN: "arn:aws:iam::111122223333:user/Alice", UserID: "AIDAALICE", UserName: "Alice"}
	bob   = fsxd.Principal{AccountID: acct, ARN: "arn:aws:iam::111122223333:user/Bob", UserID: "AIDABOB", UserName: "Bob"}
	role  = fsxd.Principal{AccountID: acct, ARN: "arn:aws:sts::111122223333:assumed-role/R/s", UserID: "AROAR:s"}
	root  = fsxd.Principal{AccountID: acct, ARN: "arn:aws:iam::111122223333:root", UserID: acct, IsRoot: true}
	// fedAlice is a GetFederationToken session of Alice named "fed".
	fedAlice = fsxd.Principal{AccountID: acct, ARN: "arn:aws:sts::111122223333:federated-user/fed", UserID: "AIDAALICE", UserName: "Alice", FederatedUser: "fed", Temporary: true}
	dave     = fsxd.Principal{AccountID: acct, ARN: "arn:aws:iam::111122223333:user/Dave", UserID: "AIDADAVE000000000000", UserName: "Dave"}
	fedDave  = fsxd.Principal{AccountID: acct, ARN: "arn:aws:sts::111122223333:federated-user/fed", UserID: "AIDADAVE000000000000", UserName: "Dave", FederatedUser: "fed", Temporary: true}
	rSession = fsxd.Principal{AccountID: acct, ARN: "arn:aws:sts::111122223333:assumed-role/R/s", RoleARN: "arn:aws:iam::111122223333:role/R", RoleName: "R", UserID: "AROAROLER00000000000:s"}
	carol    = fsxd.Principal{AccountID: "444455556666", ARN: "arn:aws:iam::444455556666:user/Carol", UserID: "AIDACAROL", UserName: "Carol"}
)

// stmt writes one statement; fields are extra JSON members such as a
// Principal or Condition, already ending in a comma.
func stmt(effect, fields, action, resource string) string {
	return `{"Effect":"` + effect + `",` + fields + `"Action":` + action + `,"Resource":` + resource + `}`
}

func doc(stmts ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
}

func get(p fsxd.Principal, res string) Request {
	return Request{Action: "s3:GetObject", Resource: res, Principal: p}
}

func as(p fsxd.Principal, action, res string) Request {
	return Request{Action: action, Resource: res, Principal: p}
}

// bound is r with arn bound to id, as a saved trust policy has it.
func bound(r Request, arn, id string) Request {
	r.Bound = map[string]string{arn: id}
	return r
}

type evalCase struct {
	policy string
	req    Request
	want   Decision
}

var (
	allObjects = `"` + obj + `*"`
	aliceHome  = `"` + obj + `${aws:username}/*"`
)

var elementCases = []evalCase{
	// Action: case-insensitive, wildcards, lists, NotAction.
	{doc(stmt("Allow", "", `"s3:GetObject"`, `"*"`)), get(alice, obj+"a"), Allow},
	{doc(stmt("Allow", "", `"S3:GETOBJECT"`, `"*"`)), get(alice, obj+"a"), Allow},
	{doc(stmt("Allow", "", `"s3:GetObject"`, `"*"`)), as(alice, "s3:getobject", obj+"a"), Allow},
	{doc(stmt("Allow", "", `"s3:Get*"`, `"*"`)), get(alice, obj+"a"), Allow},
	{doc(stmt("Allow", "", `"s3:Get*"`, `"*"`)), as(alice, "s3:PutObject", obj+"a"), Deny},
	{doc(stmt("Allow", "", `"s3:*"`, `"*"`)), as(alice, "s3:DeleteObject", obj+"a"), Allow},
	{doc(stmt("Allow", "", `"*"`, `"*"`)), as(alice, "fsx:DescribeVolumes", "*"), Allow},
	{doc(stmt("Allow", "", `"s3:Get?bject"`, `"*"`)), get(alice, obj+"a"), Allow},
	{doc(stmt("Allow", "", `"s3:GetObject?"`, `"*"`)), get(alice, obj+"a"), Deny},
	{doc(stmt("Allow", "", `"s3:GetObject"`, `"*"`)), as(alice, "s3:GetObjectTagging", obj+"a"), Deny},
	{doc(stmt("Allow", "", `"ec2:*"`, `"*"`)), get(alice, obj+"a"), Deny},
	{doc(stmt("Allow", "", `["s3:PutObject","s3:GetObject"]`, `"*"`)), get(alice, obj+"a"), Allow},
	{`{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"s3:PutObject","Resource":"*"}}`, get(alice, obj+"a"), Allow},
	{`{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"s3:Get*","Resource":"*"}}`, get(alice, obj+"a"), Deny},
	{`{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"ec2:*","Resource":"*"}}`, get(alice, obj+"a"), Allow},

	// Resource: case-sensitive, wildcards cross '/' and ':', NotResource.
	{doc(stmt("Allow", "", `"s3:GetObject"`, `"`+obj+`a.txt"`)), get(alice, obj+"a.txt"), Allow},
	{doc(stmt("Allow", "", `"s3:GetObject"`, `"`+obj+`A.txt"`)), get(alice, obj+"a.txt"), Deny},
	{doc(stmt("Allow", "", `"s3:GetObject"`, allObjects)), get(alice, obj+"dir/a.txt"), Allow},
	{doc(stmt("Allow", "", `"s3:ListBucket"`, allObjects)), as(alice, "s3:ListBucket", ap), Deny},
	{doc(stmt("Allow", "", `"s3:GetObject"`, `"`+obj+`?.txt"`)), get(alice, obj+"a.txt"), Allow},
	{doc(stmt("Allow", "", `"s3:GetObject"`, `"`+obj+`?.txt"`)), get(alice, obj+"ab.txt"), Deny},
	{doc(stmt("Allow", "", `"s3:GetObject"`, `"arn:aws:s3:*:111122223333:accesspoint/*"`)), get(alice, obj+"a"), Allow},
	{doc(stmt("Allow", "", `"s3:GetObject"`, `"arn:aws:s3:::*"`)), get(alice, obj+"a"), Deny},
	{doc(stmt("Allow", "", `"s3:GetObject"`, `"arn:*"`)), get(alice, obj+"a"), Allow},
	{doc(stmt("Allow", "", `"s3:GetObject"`, `["arn:aws:s3:::b/*","`+obj+`*"]`)), get(alice, obj+"a"), Allow},
	{`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","NotResource":"` + obj + `secret/*"}}`, get(alice, obj+"a.txt"), Allow},
	{`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","NotResource":"` + obj + `secret/*"}}`, get(alice, obj+"secret/k"), Deny},

	// Variables in Resource: substituted with 2012-10-17 only.
	{doc(stmt("Allow", "", `"s3:GetObject"`, aliceHome)), get(alice, obj+"Alice/x"), Allow},
	{doc(stmt("Allow", "", `"s3:GetObject"`, aliceHome)), get(alice, obj+"Bob/x"), Deny},
	{doc(stmt("Allow", "", `"s3:GetObject"`, aliceHome)), get(bob, obj+"Bob/x"), Allow},
	{doc(stmt("Allow", "", `"s3:GetObject"`, aliceHome)), get(role, obj+"/x"), Deny},
	{`{"Version":"2008-10-17","Statement":` + stmt("Allow", "", `"s3:GetObject"`, aliceHome) + `}`, get(alice, obj+"Alice/x"), Deny},
	{`{"Version":"2008-10-17","Statement":` + stmt("Allow", "", `"s3:GetObject"`, aliceHome) + `}`, get(alice, obj+"${aws:username}/x"), Allow},
	{`{"Statement":` + stmt("Allow", "", `"s3:GetObject"`, aliceHome) + `}`, get(alice, obj+"Alice/x"), Deny},
	{doc(stmt("Allow", "", `"s3:GetObject"`, `"`+obj+`${aws:username, 'anon'}/*"`)), get(role, obj+"anon/x"), Allow},
	{doc(stmt("Allow", "", `"s3:GetObject"`, `"`+obj+`${aws:username, 'anon'}/*"`)), get(alice, obj+"anon/x"), Deny},
	{doc(stmt("Allow", "", `"s3:GetObject"`, `"`+obj+`${aws:PrincipalAccount}/*"`)), get(alice, obj+acct+"/x"), Allow},
	{doc(stmt("Allow", "", `"s3:GetObject"`, `"`+obj+`${aws:userid}/*"`)), get(alice, obj+"AIDAALICE/x"), Allow},
	{doc(stmt("Allow", "", `"s3:GetObject"`, `"`+obj+`${*}"`)), get(alice, obj+"*"), Allow},
	{doc(stmt("Allow", "", `"s3:GetObject"`, `"`+obj+`${*}"`)), get(alice, obj+"a"), Deny},
	// An unresolvable variable voids the statement, even where another
	// resource would have matched.
	{doc(stmt("Allow", "", `"s3:GetObject"`, `["`+obj+`${aws:username}/*","`+obj+`public/*"]`)), get(role, obj+"public/x"), Deny},
	// A federated user session has no aws:username and its own aws:userid.
	{doc(stmt("Allow", "", `"s3:GetObject"`, `"`+obj+`home/${aws:username}/*"`)), get(fedAlice, obj+"home/Alice/x"), Deny},
	{doc(stmt("Allow", "", `"s3:GetObject"`, `"`+obj+`${aws:userid}/*"`)), get(fedAlice, obj+acct+":fed/x"), Allow},
	{doc(stmt("Allow", "", `"s3:GetObject"`, `"`+obj+`${aws:userid}/*"`)), get(fedAlice, obj+"AIDAALICE/x"), Deny},
	// Substituted values match literally: '*' from the context is no wildcard.
	{doc(stmt("Allow", "", `"s3:GetObject"`, `"`+obj+`${s3:prefix}x"`)), Request{Action: "s3:GetObject", Resource: obj + "abcx", Principal: alice, Context: kv("s3:prefix", "*")}, Deny},
	{doc(stmt("Allow", "", `"s3:GetObject"`, `"`+obj+`${s3:prefix}x"`)), Request{Action: "s3:GetObject", Resource: obj + "*x", Principal: alice, Context: kv("s3:prefix", "*")}, Allow},

	// Principal and NotPrincipal, as Document.Evaluate sees them.
	{doc(stmt("Allow", `"Principal":"*",`, `"s3:GetObject"`, `"*"`)), get(carol, obj+"a"), Allow},
	{doc(stmt("Allow", `"Principal":{"AWS":"*"},`, `"s3:GetObject"`, `"*"`)), get(alice, obj+"a"), Allow},
	{doc(stmt("Allow", `"Principal":{"AWS":"111122223333"},`, `"s3:GetObject"`, `"*"`)), get(bob, obj+"a"), Allow},
	{doc(stmt("Allow", `"Principal":{"AWS":"111122223333"},`, `"s3:GetObject"`, `"*"`)), get(carol, obj+"a"), Deny},
	{doc(stmt("Allow", `"Principal":{"AWS":"arn:aws:iam::111122223333:root"},`, `"s3:GetObject"`, `"*"`)), get(role, obj+"a"), Allow},
	{doc(stmt("Allow", `"Principal":{"AWS":"arn:aws:iam::111122223333:user/Alice"},`, `"s3:GetObject"`, `"*"`)), get(alice, obj+"a"), Allow},
	{doc(stmt("Allow", `"Principal":{"AWS":"arn:aws:iam::111122223333:user/Alice"},`, `"s3:GetObject"`, `"*"`)), get(bob, obj+"a"), Deny},
	{doc(stmt("Allow", `"Principal":{"AWS":["arn:aws:iam::111122223333:user/Bob","444455556666"]},`, `"s3:GetObject"`, `"*"`)), get(carol, obj+"a"), Allow},
	{doc(stmt("Allow", `"Principal":{"Service":"s3.amazonaws.com"},`, `"s3:GetObject"`, `"*"`)), get(alice, obj+"a"), Deny},
	// Bound ARNs match only the user or role they were bound to; unique ids
	// name users and role sessions.
	{doc(stmt("Allow", `"Principal":{"AWS":"arn:aws:iam::111122223333:user/Dave"},`, `"s3:GetObject"`, `"*"`)), bound(get(dave, obj+"a"), dave.ARN, dave.UserID), Allow},
	{doc(stmt("Allow", `"Principal":{"AWS":"arn:aws:iam::111122223333:user/Dave"},`, `"s3:GetObject"`, `"*"`)), bound(get(dave, obj+"a"), dave.ARN, "AIDAOLDDAVE000000000"), Deny},
	{doc(stmt("Allow", `"Principal":{"AWS":"arn:aws:iam::111122223333:role/R"},`, `"s3:GetObject"`, `"*"`)), bound(get(rSession, obj+"a"), rSession.RoleARN, "AROAROLER00000000000"), Allow},
	{doc(stmt("Allow", `"Principal":{"AWS":"arn:aws:iam::111122223333:role/R"},`, `"s3:GetObject"`, `"*"`)), bound(get(rSession, obj+"a"), rSession.RoleARN, "AROAOLDROLE000000000"), Deny},
	{doc(stmt("Allow", `"Principal":"*",`, `"*"`, `"*"`), stmt("Deny", `"NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/Dave"},`, `"s3:*"`, `"*"`)), bound(get(dave, obj+"a"), dave.ARN, "AIDAOLDDAVE000000000"), ExplicitDeny},
	{doc(stmt("Allow", `"Principal":{"AWS":"AIDADAVE000000000000"},`, `"s3:GetObject"`, `"*"`)), get(dave, obj+"a"), Allow},
	{doc(stmt("Allow", `"Principal":{"AWS":"AIDADAVE000000000000"},`, `"s3:GetObject"`, `"*"`)), get(bob, obj+"a"), Deny},
	{doc(stmt("Allow", `"Principal":{"AWS":"AROAROLER00000000000"},`, `"s3:GetObject"`, `"*"`)), get(rSession, obj+"a"), Allow},
	{doc(stmt("Allow", `"Principal":{"AWS":"AIDADAVE000000000000"},`, `"s3:GetObject"`, `"*"`)), get(fedDave, obj+"a"), Deny},
	// A NotPrincipal exempts a caller only if it names each principal the
	// request is made as: the account, then the user, or the role and its
	// session. Naming the user without its account exempts nothing.
	{doc(stmt("Allow", `"Principal":"*",`, `"*"`, `"*"`), stmt("Deny", `"NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/Alice"},`, `"s3:*"`, `"*"`)), get(alice, obj+"a"), ExplicitDeny},
	{doc(stmt("Allow", `"Principal":"*",`, `"*"`, `"*"`), stmt("Deny", `"NotPrincipal":{"AWS":["arn:aws:iam::111122223333:user/Alice","arn:aws:iam::111122223333:root"]},`, `"s3:*"`, `"*"`)), get(alice, obj+"a"), Allow},
	{doc(stmt("Allow", `"Principal":"*",`, `"*"`, `"*"`), stmt("Deny", `"NotPrincipal":{"AWS":["arn:aws:iam::111122223333:user/Alice","111122223333"]},`, `"s3:*"`, `"*"`)), get(bob, obj+"a"), ExplicitDeny},
	{doc(stmt("Allow", `"Principal":"*",`, `"*"`, `"*"`), stmt("Deny", `"NotPrincipal":{"AWS":"111122223333"},`, `"s3:*"`, `"*"`)), get(carol, obj+"a"), ExplicitDeny},
	{doc(stmt("Allow", `"Principal":"*",`, `"*"`, `"*"`), stmt("Deny", `"NotPrincipal":{"AWS":"111122223333"},`, `"s3:*"`, `"*"`)), get(bob, obj+"a"), ExplicitDeny},
	{doc(stmt("Allow", `"Principal":"*",`, `"*"`, `"*"`), stmt("Deny", `"NotPrincipal":{"AWS":"111122223333"},`, `"s3:*"`, `"*"`)), get(root, obj+"a"), Allow},
	{doc(stmt("Allow", `"Principal":"*",`, `"*"`, `"*"`), stmt("Deny", `"NotPrincipal":{"AWS":["arn:aws:iam::111122223333:role/R","111122223333"]},`, `"s3:*"`, `"*"`)), get(rSession, obj+"a"), ExplicitDeny},
	{doc(stmt("Allow", `"Principal":"*",`, `"*"`, `"*"`), stmt("Deny", `"NotPrincipal":{"AWS":["arn:aws:iam::111122223333:role/R","arn:aws:sts::111122223333:assumed-role/R/s","111122223333"]},`, `"s3:*"`, `"*"`)), get(rSession, obj+"a"), Allow},
	{doc(stmt("Allow", `"Principal":"*",`, `"*"`, `"*"`), stmt("Deny", `"NotPrincipal":{"AWS":["arn:aws:sts::111122223333:assumed-role/R/s","111122223333"]},`, `"s3:*"`, `"*"`)), get(rSession, obj+"a"), ExplicitDeny},

	// Effects: an applicable Deny wins wherever it is.
	{doc(stmt("Allow", "", `"s3:*"`, `"*"`), stmt("Deny", "", `"s3:GetObject"`, `"*"`)), get(alice, obj+"a"), ExplicitDeny},
	{doc(stmt("Deny", "", `"s3:GetObject"`, `"*"`), stmt("Allow", "", `"s3:*"`, `"*"`)), get(alice, obj+"a"), ExplicitDeny},
	{doc(stmt("Allow", "", `"s3:*"`, `"*"`), stmt("Deny", "", `"s3:PutObject"`, `"*"`)), get(alice, obj+"a"), Allow},
	{doc(stmt("Deny", "", `"s3:PutObject"`, `"*"`)), get(alice, obj+"a"), Deny},
	{doc(stmt("Allow", "", `"s3:*"`, `"*"`), stmt("Deny", `"Condition":{"Bool":{"aws:securetransport":"false"}},`, `"s3:*"`, `"*"`)), get(alice, obj+"a"), Allow},
}

func TestElements(t *testing.T) {
	for _, c := range elementCases {
		check(t, c.policy, c.req, c.want)
	}
}
