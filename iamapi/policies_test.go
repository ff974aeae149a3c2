package iamapi

import (
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

const listUsersPolicy = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}}`

func TestUserPolicies(t *testing.T) {
	e := newEnv(t)
	jane, _, _ := e.user("jane")
	_, err := jane.ListUsers(ctx, &iam.ListUsersInput{})
	wantCode(t, err, "AccessDenied")

	doc := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\"Effect\": \"Allow\", \"Action\": \"iam:ListUsers\", \"Resource\": \"*\"}\n}"
	e.putUserPolicy("jane", "list", doc)
	must[*iam.ListUsersOutput](t)(jane.ListUsers(ctx, &iam.ListUsersInput{})) // at once

	got := must[*iam.GetUserPolicyOutput](t)(e.IAM.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String("jane"), PolicyName: aws.String("list")}))
	if strings.Contains(*got.PolicyDocument, "{") {
		t.Errorf("PolicyDocument not URL-encoded: %s", *got.PolicyDocument)
	}
	if dec, _ := url.QueryUnescape(*got.PolicyDocument); dec != doc || *got.UserName != "jane" {
		t.Errorf("GetUserPolicy = %q (decoded %q)", *got.PolicyDocument, dec)
	}
	names := must[*iam.ListUserPoliciesOutput](t)(e.IAM.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: aws.String("jane")}))
	if len(names.PolicyNames) != 1 || names.PolicyNames[0] != "list" {
		t.Errorf("ListUserPolicies = %v", names.PolicyNames)
	}

	// An explicit Deny beside the Allow wins, at once.
	e.putUserPolicy("jane", "deny", `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"iam:List*","Resource":"*"}}`)
	_, err = jane.ListUsers(ctx, &iam.ListUsersInput{})
	wantCode(t, err, "AccessDenied")
	must[*iam.DeleteUserPolicyOutput](t)(e.IAM.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String("jane"), PolicyName: aws.String("deny")}))
	must[*iam.ListUsersOutput](t)(jane.ListUsers(ctx, &iam.ListUsersInput{}))

	_, err = e.IAM.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String("jane"), PolicyName: aws.String("deny")})
	wantCode(t, err, "NoSuchEntity")
	_, err = e.IAM.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String("jane"), PolicyName: aws.String("nope")})
	wantCode(t, err, "NoSuchEntity")
}

func TestMalformedPolicies(t *testing.T) {
	e := newEnv(t)
	must[*iam.CreateUserOutput](t)(e.IAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("kate")}))
	for _, doc := range []string{
		`not json`,
		`{"Statement":[]}`,
		`{"Version":"2012-10-17","Statement":{"Effect":"Maybe","Action":"s3:*","Resource":"*"}}`,
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}}`,
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NoSuchOp":{"a":"b"}}}}`,
	} {
		_, err := e.IAM.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("kate"), PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)})
		wantCode(t, err, "MalformedPolicyDocument")
	}
	_, err := e.IAM.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("nobody"), PolicyName: aws.String("p"), PolicyDocument: aws.String(listUsersPolicy)})
	wantCode(t, err, "NoSuchEntity")
}

func TestPolicySizeLimit(t *testing.T) {
	e := newEnv(t)
	must[*iam.CreateUserOutput](t)(e.IAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("leo")}))
	// ~1,100 characters each: one fits in 2,048, two don't.
	big := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + strings.Repeat("x", 1000) + `"}}`
	e.putUserPolicy("leo", "a", big)
	e.putUserPolicy("leo", "a", big) // replacing counts once
	// Whitespace is not counted.
	e.putUserPolicy("leo", "b", strings.Replace(listUsersPolicy, ",", ",       \n     ", -1))
	_, err := e.IAM.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("leo"), PolicyName: aws.String("c"), PolicyDocument: aws.String(big)})
	wantCode(t, err, "LimitExceeded")
	// A group allows 5,120.
	must[*iam.CreateGroupOutput](t)(e.IAM.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("g")}))
	for _, n := range []string{"a", "b", "c", "d", "e"} {
		_, err := e.IAM.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("g"), PolicyName: aws.String(n), PolicyDocument: aws.String(big)})
		if n == "e" { // 5 × ~1,100 > 5,120
			wantCode(t, err, "LimitExceeded")
		} else if err != nil {
			t.Fatal(err)
		}
	}
}
