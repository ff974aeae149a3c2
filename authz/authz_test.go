package authz

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/policy"
)

const (
	acct  = "111122223333"
	other = "444455556666"
	apArn = "arn:aws:s3:us-east-1:" + acct + ":accesspoint/"
)

var now = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func user(name string) *fsxd.Principal {
	return &fsxd.Principal{AccountID: acct, ARN: "arn:aws:iam::" + acct + ":user/" + name,
		UserName: name, UserID: "AIDA" + name, AccessKeyID: "AKIA" + name}
}

var (
	root    = &fsxd.Principal{AccountID: acct, ARN: "arn:aws:iam::" + acct + ":root", UserID: acct, IsRoot: true}
	outside = &fsxd.Principal{AccountID: other, ARN: "arn:aws:iam::" + other + ":user/eve", UserName: "eve", UserID: "AIDAEVE"}
)

// identity are the users' identity policies, by user name.
var identity = map[string][]string{
	"alice": {`{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"arn:aws:s3:*:` + acct + `:accesspoint/*"},
		{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:*:*:accesspoint/*/object/${aws:username}/*"},
		{"Effect":"Allow","Action":"fsx:Describe*","Resource":"*"}]}`},
	"dave": {`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*",
		"Condition":{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}}}`},
	"erin": {`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
		"Condition":{"StringEquals":{"s3:DataAccessPointArn":"` + apArn + `data"}}}}`},
	"frank": {`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
		{"Effect":"Deny","Action":"fsx:Delete*","Resource":"*"}]}`},
	"gina": {`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*",
		"Condition":{"Bool":{"aws:SecureTransport":"true"}}}}`},
	"hank": {`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
		"Condition":{"StringEquals":{"aws:SourceVpc":"vpc-0000000a"}}}}`},
	"ivan": {`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*",
		"Condition":{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}}}`},
	"judy": {`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
		"Condition":{"StringEquals":{"s3:AccessPointNetworkOrigin":"VPC"}}}}`},
	"kate": {`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:GetUser",
		"Resource":"arn:aws:iam::` + acct + `:user/${aws:username}"}}`},
	"leo": {`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
		"Condition":{"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"},"NumericGreaterThan":{"aws:EpochTime":"1700000000"}}}}`},
	"mike": {`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
		"Condition":{"DateGreaterThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}}}`},
	"nina": {`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
		"Condition":{"StringEquals":{"aws:PrincipalAccount":"` + acct + `","aws:PrincipalType":"User","aws:userid":"AIDAnina"},
		"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/nina"}}}}`},
	"oscar": {`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
		"Condition":{"StringEquals":{"s3:ExistingObjectTag/Class":"public"}}}}`},
	"pete": {`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`,
		`{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}}`},
	"rita": {`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"fsx:*","Resource":"*"},
		{"Effect":"Deny","Action":"fsx:*","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/protected":"true"}}},
		{"Effect":"Deny","Action":"fsx:*","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":"fsxd:import-path"}}}]}`},
	"quinn": {`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
		"Condition":{"IpAddress":{"aws:VpcSourceIp":"10.0.0.0/8"}}}}`},
}

// Access point policies.
var apPolicies = map[string]string{
	"shared": `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:user/bob"},"Action":"s3:GetObject","Resource":"` + apArn + `shared/object/*"},
		{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:user/bob"},"Action":"s3:ListBucket","Resource":"` + apArn + `shared"},
		{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"` + apArn + `shared/object/secret/*"},
		{"Effect":"Allow","Principal":{"AWS":"` + other + `"},"Action":"s3:GetObject","Resource":"` + apArn + `shared/object/*"}]}`,
	"denyroot": `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::` + acct + `:root"},
		"Action":"s3:DeleteObject","Resource":"*"}}`,
	"iponly": `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*",
		"Condition":{"NotIpAddress":{"aws:SourceIp":"127.0.0.0/8"}}}}`,
}

func mustParse(t *testing.T, text string, k policy.Kind) *policy.Document {
	t.Helper()
	d, err := policy.ParseKind([]byte(text), k)
	if err != nil {
		t.Fatalf("parse %s: %v", text, err)
	}
	return d
}

func newTestChecker(t *testing.T) *Checker {
	t.Helper()
	docs := map[string][]*policy.Document{}
	for name, texts := range identity {
		for _, text := range texts {
			docs[name] = append(docs[name], mustParse(t, text, policy.IdentityPolicy))
		}
	}
	c, err := NewChecker(func(_ context.Context, p *fsxd.Principal) ([]*policy.Document, error) {
		if p.UserName == "broken" {
			return nil, errors.New("store unavailable")
		}
		return docs[p.UserName], nil
	}, map[string][]string{
		"vpc-0000000a": {"127.0.0.0/8", "::1"},
		"vpc-0000000b": {"10.0.0.0/16"},
	}, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ap(t *testing.T, name, vpc string) *AccessPointInfo {
	info := &AccessPointInfo{Name: name, ARN: apArn + name, AccountID: acct, VpcID: vpc}
	if text, ok := apPolicies[name]; ok {
		info.Policy = mustParse(t, text, policy.ResourcePolicy)
	}
	return info
}

func obj(apName, key string) string { return S3Resource(apArn+apName, key) }
