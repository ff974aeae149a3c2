package iamapi

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

const trustRoot = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + testAccount + `:root"},"Action":"sts:AssumeRole"}}`

func TestRoleCRUD(t *testing.T) {
	e := newEnv(t)
	out := must[*iam.CreateRoleOutput](t)(e.IAM.CreateRole(ctx, &iam.CreateRoleInput{
		RoleName: aws.String("reader"), Path: aws.String("/app/"), AssumeRolePolicyDocument: aws.String(trustRoot),
		Description: aws.String("reads"),
	}))
	r := out.Role
	if *r.Arn != "arn:aws:iam::"+testAccount+":role/app/reader" || *r.MaxSessionDuration != 3600 || *r.Description != "reads" {
		t.Errorf("role = %+v", r)
	}
	if doc, _ := url.QueryUnescape(*r.AssumeRolePolicyDocument); doc != trustRoot {
		t.Errorf("trust policy = %q", doc)
	}
	_, err := e.IAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("READER"), AssumeRolePolicyDocument: aws.String(trustRoot)})
	wantCode(t, err, "EntityAlreadyExists")
	_, err = e.IAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("x"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole"}}`)})
	wantCode(t, err, "MalformedPolicyDocument")

	must[*iam.UpdateRoleOutput](t)(e.IAM.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String("reader"), MaxSessionDuration: aws.Int32(7200)}))
	got := must[*iam.GetRoleOutput](t)(e.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("reader")}))
	if *got.Role.MaxSessionDuration != 7200 || *got.Role.Description != "reads" {
		t.Errorf("after UpdateRole: %+v", got.Role)
	}
	_, err = e.IAM.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String("reader"), MaxSessionDuration: aws.Int32(60)})
	wantCode(t, err, "ValidationError")
	list := must[*iam.ListRolesOutput](t)(e.IAM.ListRoles(ctx, &iam.ListRolesInput{PathPrefix: aws.String("/app/")}))
	if len(list.Roles) != 1 || *list.Roles[0].RoleName != "reader" {
		t.Errorf("ListRoles = %+v", list.Roles)
	}

	must[*iam.PutRolePolicyOutput](t)(e.IAM.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("reader"),
		PolicyName: aws.String("p"), PolicyDocument: aws.String(allowAll("iam:ListRoles"))}))
	names := must[*iam.ListRolePoliciesOutput](t)(e.IAM.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("reader")}))
	if len(names.PolicyNames) != 1 || names.PolicyNames[0] != "p" {
		t.Errorf("ListRolePolicies = %v", names.PolicyNames)
	}
	gp := must[*iam.GetRolePolicyOutput](t)(e.IAM.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("reader"), PolicyName: aws.String("p")}))
	if *gp.RoleName != "reader" {
		t.Errorf("GetRolePolicy = %+v", gp)
	}
	_, err = e.IAM.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("reader")})
	wantCode(t, err, "DeleteConflict")
	must[*iam.DeleteRolePolicyOutput](t)(e.IAM.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("reader"), PolicyName: aws.String("p")}))
	must[*iam.UpdateAssumeRolePolicyOutput](t)(e.IAM.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{
		RoleName: aws.String("reader"), PolicyDocument: aws.String(trustRoot)}))
	must[*iam.DeleteRoleOutput](t)(e.IAM.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("reader")}))
	_, err = e.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("reader")})
	wantCode(t, err, "NoSuchEntity")
}

func allowAll(actions ...string) string {
	list := ""
	for i, a := range actions {
		if i > 0 {
			list += ","
		}
		list += `"` + a + `"`
	}
	return `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":[` + list + `],"Resource":"*"}}`
}

// TestTrustPolicyQuota: a trust policy is at most 2,048 characters,
// whitespace not counted (IAM's ACLSizePerRole), on CreateRole and
// UpdateAssumeRolePolicy alike.
func TestTrustPolicyQuota(t *testing.T) {
	e := newEnv(t)
	trustOf := func(conditions int, indent string) string {
		cond := ""
		for i := range conditions {
			if i > 0 {
				cond += ","
			}
			cond += fmt.Sprintf(`%s"aws:PrincipalTag/k%03d":"v"`, indent, i)
		}
		return `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + testAccount +
			`:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{` + cond + `}}}}`
	}
	small, spaced, large := trustOf(10, ""), trustOf(60, strings.Repeat(" ", 40)), trustOf(90, "")
	if len(spaced) <= 2048 || len(large) <= 2048 {
		t.Fatalf("the documents are %d and %d characters: the test proves nothing", len(spaced), len(large))
	}
	for _, tc := range []struct {
		name, doc, code string
	}{
		{"small", small, ""},
		{"over 2048 only with whitespace", spaced, ""},
		{"over 2048", large, "LimitExceeded"},
	} {
		_, err := e.IAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("q-" + strings.ReplaceAll(tc.name, " ", "-")), AssumeRolePolicyDocument: aws.String(tc.doc)})
		if tc.code == "" && err != nil {
			t.Errorf("CreateRole %s: %v", tc.name, err)
		} else if tc.code != "" {
			wantCode(t, err, tc.code)
		}
		_, err = e.IAM.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("q-small"), PolicyDocument: aws.String(tc.doc)})
		if tc.code == "" && err != nil {
			t.Errorf("UpdateAssumeRolePolicy %s: %v", tc.name, err)
		} else if tc.code != "" {
			wantCode(t, err, tc.code)
		}
	}
}
