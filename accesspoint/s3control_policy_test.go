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
	public := strings.Replace(validPolicy, `{"AWS":"arn:aws:iam::123456789012:root"}`, `"*"`, 1)
	if _, err := e.s3c.PutAccessPointPolicy(ctx, &s3control.PutAccessPointPolicyInput{AccountId: acct, Name: name, Policy: aws.String(public)}); err != nil {
		t.Fatal(err)
	}
	if !status() {
		t.Error("policy for * reported not public")
	}
	got, _ = e.s3c.GetAccessPointPolicy(ctx, &s3control.GetAccessPointPolicyInput{AccountId: acct, Name: name})
	if aws.ToString(got.Policy) != public {
		t.Errorf("policy after put = %s", aws.ToString(got.Policy))
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
		{`garbage`, false},
	} {
		if got := isPublic(tt.policy); got != tt.want {
			t.Errorf("isPublic(%s) = %v", tt.policy, got)
		}
	}
}
