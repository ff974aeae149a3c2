package accesspoint

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
)

func TestAccessPointPolicy(t *testing.T) {
	e := newEnv(t)
	in := openZFS("pol", volOZ, 1, 1)
	in.S3AccessPoint = &types.CreateAndAttachS3AccessPointS3Configuration{Policy: aws.String(validPolicy)}
	a := e.mustCreate(in)
	ctx := context.Background()
	acct, name := aws.String(testAccount), aws.String("pol")
	got, err := e.s3c.GetAccessPointPolicy(ctx, &s3control.GetAccessPointPolicyInput{AccountId: acct, Name: name})
	if err != nil || aws.ToString(got.Policy) != validPolicy {
		t.Fatalf("policy from create: %v, %v", got, err)
	}
	if a.S3AccessPoint == nil || strings.Contains(aws.ToString(a.S3AccessPoint.ResourceARN), "Policy") {
		t.Fatal("unexpected")
	}
	status := func() bool {
		t.Helper()
		out, err := e.s3c.GetAccessPointPolicyStatus(ctx, &s3control.GetAccessPointPolicyStatusInput{AccountId: acct, Name: name})
		if err != nil {
			t.Fatal(err)
		}
		return out.PolicyStatus.IsPublic
	}
	if status() {
		t.Error("account-scoped policy reported public")
	}
	// Block Public Access is always on: S3 refuses a public policy, and
	// the one in place stays.
	public := strings.Replace(validPolicy, `{"AWS":"arn:aws:iam::123456789012:root"}`, `"*"`, 1)
	_, err = e.s3c.PutAccessPointPolicy(ctx, &s3control.PutAccessPointPolicyInput{AccountId: acct, Name: name, Policy: aws.String(public)})
	if errorCode(err) != "AccessDenied" || httpStatus(err) != 403 {
		t.Fatalf("public policy: %v", err)
	}
	if status() {
		t.Error("policy reported public after a refused put")
	}
	got, _ = e.s3c.GetAccessPointPolicy(ctx, &s3control.GetAccessPointPolicyInput{AccountId: acct, Name: name})
	if aws.ToString(got.Policy) != validPolicy {
		t.Errorf("policy after refused put = %s", aws.ToString(got.Policy))
	}
	if _, err := e.s3c.DeleteAccessPointPolicy(ctx, &s3control.DeleteAccessPointPolicyInput{AccountId: acct, Name: name}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s3c.GetAccessPointPolicy(ctx, &s3control.GetAccessPointPolicyInput{AccountId: acct, Name: name}); errorCode(err) != "NoSuchAccessPointPolicy" {
		t.Errorf("after delete: %v", err)
	}
}

func TestIsPublic(t *testing.T) {
	stmt := func(s string) string { return `{"Version":"2012-10-17","Statement":` + s + `}` }
	for _, tt := range []struct {
		policy string
		want   bool
	}{
		{stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}`), true},
		{stmt(`[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::1:root","*"]},"Action":"s3:*","Resource":"*"}]`), true},
		{stmt(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}`), false},
		{stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`), false},
		{stmt(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1:root"},"Action":"s3:*","Resource":"*"}`), false},
		// every principal but one
		{stmt(`{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::1:root"},"Action":"s3:GetObject","Resource":"*"}`), true},
		// which actions expose data
		{stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}`), true},
		{stmt(`{"Effect":"Allow","Principal":"*","Action":["s3:CreateJob","S3:PUTOBJECT"],"Resource":"*"}`), true},
		{stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:*Object","Resource":"*"}`), true},
		{stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:Abort*","Resource":"*"}`), true},
		{stmt(`{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}`), true},
		{stmt(`{"Effect":"Allow","Principal":"*","NotAction":"s3:GetObject","Resource":"*"}`), true},
		{stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:CreateJob","Resource":"*"}`), false},
		// conditions that pin the request to fixed values, and ones that do not
		{stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpc":"vpc-1"}}}`), false},
		{stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringLike":{"aws:PrincipalArn":["arn:aws:iam::1:user/a","arn:aws:iam::1:user/b"]}}}`), false},
		{stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringLike":{"aws:userid":"AROAEXAMPLE:*"}}}`), false},
		{stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::1:user/*"}}}`), true},
		{stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceVpc":"vpc-1"}}}`), true},
		{stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringEqualsIfExists":{"aws:SourceVpc":"vpc-1"}}}`), true},
		{stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:UserAgent":"x"}}}`), true},
		{stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","0.0.0.0/0"]}}}`), true},
		{stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"192.0.2.1"}}}`), false},
		{stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`), true},
		{`garbage`, false},
	} {
		if got := isPublic(tt.policy); got != tt.want {
			t.Errorf("isPublic(%s) = %v", tt.policy, got)
		}
	}
}
