package iamapi

import (
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

const (
	docGet = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}}`
	docAll = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:*","Resource":"*"}}`
)

func (e *env) managedPolicy(name, path, doc string) string {
	e.t.Helper()
	out, err := e.IAM.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(name), Path: aws.String(path), PolicyDocument: aws.String(doc)})
	if err != nil {
		e.t.Fatal(err)
	}
	return *out.Policy.Arn
}

func TestManagedPolicyCRUD(t *testing.T) {
	e := newEnv(t)
	out := must[*iam.CreatePolicyOutput](t)(e.IAM.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("get"),
		Path: aws.String("/app/"), PolicyDocument: aws.String(docGet), Description: aws.String("reads users"),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("x")}}}))
	p := out.Policy
	arn := "arn:aws:iam::" + testAccount + ":policy/app/get"
	if *p.Arn != arn || *p.DefaultVersionId != "v1" || *p.AttachmentCount != 0 || !p.IsAttachable || len(p.Tags) != 1 {
		t.Errorf("policy = %+v", p)
	}
	_, err := e.IAM.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("GET"), PolicyDocument: aws.String(docGet)})
	wantCode(t, err, "EntityAlreadyExists")
	_, err = e.IAM.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("bad"), PolicyDocument: aws.String(`{}`)})
	wantCode(t, err, "MalformedPolicyDocument")
	_, err = e.IAM.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::" + testAccount + ":policy/get")})
	wantCode(t, err, "NoSuchEntity") // the path is part of the ARN
	_, err = e.IAM.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("not-an-arn-at-all-really")})
	wantCode(t, err, "InvalidInput")

	// Versions: at most five, the default can't be deleted, ids never reused.
	for i := 2; i <= 5; i++ {
		must[*iam.CreatePolicyVersionOutput](t)(e.IAM.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(docAll)}))
	}
	_, err = e.IAM.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(docAll)})
	wantCode(t, err, "LimitExceeded")
	_, err = e.IAM.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v1")})
	wantCode(t, err, "DeleteConflict")
	_, err = e.IAM.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)})
	wantCode(t, err, "DeleteConflict") // non-default versions remain
	must[*iam.DeletePolicyVersionOutput](t)(e.IAM.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v5")}))
	v := must[*iam.CreatePolicyVersionOutput](t)(e.IAM.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn),
		PolicyDocument: aws.String(docAll), SetAsDefault: true}))
	if *v.PolicyVersion.VersionId != "v6" || !v.PolicyVersion.IsDefaultVersion {
		t.Errorf("new version = %+v", v.PolicyVersion)
	}
	got := must[*iam.GetPolicyVersionOutput](t)(e.IAM.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v1")}))
	if doc, _ := url.QueryUnescape(*got.PolicyVersion.Document); doc != docGet || got.PolicyVersion.IsDefaultVersion {
		t.Errorf("v1 = %q default %v", doc, got.PolicyVersion.IsDefaultVersion)
	}
	vs := must[*iam.ListPolicyVersionsOutput](t)(e.IAM.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: aws.String(arn)}))
	if len(vs.Versions) != 5 || *vs.Versions[0].VersionId != "v6" || *vs.Versions[4].VersionId != "v1" {
		t.Errorf("versions = %+v", vs.Versions)
	}
	must[*iam.SetDefaultPolicyVersionOutput](t)(e.IAM.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v2")}))
	_, err = e.IAM.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v5")})
	wantCode(t, err, "NoSuchEntity")
	gp := must[*iam.GetPolicyOutput](t)(e.IAM.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)}))
	if *gp.Policy.DefaultVersionId != "v2" || *gp.Policy.Description != "reads users" {
		t.Errorf("GetPolicy = %+v", gp.Policy)
	}
	for _, id := range []string{"v1", "v3", "v4", "v6"} {
		must[*iam.DeletePolicyVersionOutput](t)(e.IAM.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String(id)}))
	}
	must[*iam.DeletePolicyOutput](t)(e.IAM.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)}))
	_, err = e.IAM.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	wantCode(t, err, "NoSuchEntity")
}

func TestManagedPolicyAttachments(t *testing.T) {
	e := newEnv(t)
	arn := e.managedPolicy("get", "/", docGet)
	other := e.managedPolicy("all", "/admin/", docAll)
	userIAM, _, _ := e.user("alice")
	must[*iam.CreateGroupOutput](t)(e.IAM.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("readers")}))
	must[*iam.CreateRoleOutput](t)(e.IAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trustRoot)}))

	_, err := userIAM.GetUser(ctx, &iam.GetUserInput{})
	wantCode(t, err, "AccessDenied")
	must[*iam.AttachUserPolicyOutput](t)(e.IAM.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: aws.String(arn)}))
	must[*iam.GetUserOutput](t)(userIAM.GetUser(ctx, &iam.GetUserInput{})) // the attached policy allows it
	must[*iam.AttachGroupPolicyOutput](t)(e.IAM.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("readers"), PolicyArn: aws.String(arn)}))
	must[*iam.AttachRolePolicyOutput](t)(e.IAM.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(arn)}))
	must[*iam.AttachRolePolicyOutput](t)(e.IAM.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(other)}))
	_, err = e.IAM.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: aws.String(arn + "x")})
	wantCode(t, err, "NoSuchEntity")
	_, err = e.IAM.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("nobody"), PolicyArn: aws.String(arn)})
	wantCode(t, err, "NoSuchEntity")

	gp := must[*iam.GetPolicyOutput](t)(e.IAM.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)}))
	if *gp.Policy.AttachmentCount != 3 {
		t.Errorf("AttachmentCount = %d, want 3", *gp.Policy.AttachmentCount)
	}
	ents := must[*iam.ListEntitiesForPolicyOutput](t)(e.IAM.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String(arn)}))
	if len(ents.PolicyUsers) != 1 || len(ents.PolicyGroups) != 1 || len(ents.PolicyRoles) != 1 || *ents.PolicyUsers[0].UserName != "alice" {
		t.Errorf("entities = %+v", ents)
	}
	page := must[*iam.ListEntitiesForPolicyOutput](t)(e.IAM.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String(arn), MaxItems: aws.Int32(2)}))
	if !page.IsTruncated || len(page.PolicyGroups)+len(page.PolicyRoles)+len(page.PolicyUsers) != 2 {
		t.Errorf("first page = %+v", page)
	}
	rest := must[*iam.ListEntitiesForPolicyOutput](t)(e.IAM.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String(arn), Marker: page.Marker}))
	if rest.IsTruncated || len(rest.PolicyGroups)+len(rest.PolicyRoles)+len(rest.PolicyUsers) != 1 {
		t.Errorf("second page = %+v", rest)
	}
	roles := must[*iam.ListEntitiesForPolicyOutput](t)(e.IAM.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String(arn), EntityFilter: types.EntityTypeRole}))
	if len(roles.PolicyRoles) != 1 || len(roles.PolicyUsers) != 0 {
		t.Errorf("roles only = %+v", roles)
	}
	att := must[*iam.ListAttachedRolePoliciesOutput](t)(e.IAM.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("r")}))
	if len(att.AttachedPolicies) != 2 || *att.AttachedPolicies[0].PolicyName != "all" {
		t.Errorf("attached = %+v", att.AttachedPolicies)
	}
	att = must[*iam.ListAttachedRolePoliciesOutput](t)(e.IAM.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("r"), PathPrefix: aws.String("/admin/")}))
	if len(att.AttachedPolicies) != 1 || *att.AttachedPolicies[0].PolicyArn != other {
		t.Errorf("attached under /admin/ = %+v", att.AttachedPolicies)
	}
	lp := must[*iam.ListPoliciesOutput](t)(e.IAM.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal, MaxItems: aws.Int32(1)}))
	if len(lp.Policies) != 1 || !lp.IsTruncated || *lp.Policies[0].PolicyName != "all" || *lp.Policies[0].AttachmentCount != 1 {
		t.Errorf("ListPolicies page = %+v", lp)
	}
	lp = must[*iam.ListPoliciesOutput](t)(e.IAM.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: types.PolicyScopeTypeAws}))
	if len(lp.Policies) != 0 {
		t.Errorf("AWS scope lists %d", len(lp.Policies))
	}

	// Deletes are refused while attached.
	_, err = e.IAM.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)})
	wantCode(t, err, "DeleteConflict")
	_, err = e.IAM.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("readers")})
	wantCode(t, err, "DeleteConflict")
	_, err = e.IAM.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("r")})
	wantCode(t, err, "DeleteConflict")

	must[*iam.DetachUserPolicyOutput](t)(e.IAM.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: aws.String(arn)}))
	_, err = e.IAM.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: aws.String(arn)})
	wantCode(t, err, "NoSuchEntity")
	_, err = userIAM.GetUser(ctx, &iam.GetUserInput{})
	wantCode(t, err, "AccessDenied")
	lp = must[*iam.ListPoliciesOutput](t)(e.IAM.ListPolicies(ctx, &iam.ListPoliciesInput{OnlyAttached: true, PathPrefix: aws.String("/admin/")}))
	if len(lp.Policies) != 1 {
		t.Errorf("OnlyAttached under /admin/ = %+v", lp.Policies)
	}
}

func TestManagedPolicyQuota(t *testing.T) {
	e := newEnv(t)
	must[*iam.CreateUserOutput](t)(e.IAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob")}))
	for i := 0; i < 11; i++ {
		arn := e.managedPolicy("p"+string(rune('a'+i)), "/", docGet)
		_, err := e.IAM.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("bob"), PolicyArn: aws.String(arn)})
		if i < 10 && err != nil {
			t.Fatal(err)
		} else if i == 10 {
			wantCode(t, err, "LimitExceeded")
		}
	}
	_, err := e.IAM.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("bob")})
	wantCode(t, err, "DeleteConflict")
}

// TestManagedPolicyVersionsConcurrent: versions created at once never
// exceed five nor share an id; the rest are refused with LimitExceeded.
func TestManagedPolicyVersionsConcurrent(t *testing.T) {
	e := newEnv(t)
	arn := e.managedPolicy("busy", "/", docGet)
	const n = 8
	ids := make(chan string, n)
	errs := make(chan error, n)
	for range n {
		go func() {
			out, err := e.IAM.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(docAll)})
			if err != nil {
				errs <- err
				return
			}
			ids <- *out.PolicyVersion.VersionId
		}()
	}
	seen := map[string]bool{}
	for range n {
		select {
		case id := <-ids:
			if seen[id] {
				t.Errorf("version %s created twice", id)
			}
			seen[id] = true
		case err := <-errs:
			wantCode(t, err, "LimitExceeded")
		}
	}
	if len(seen) != 4 {
		t.Errorf("%d versions created beside v1, want 4", len(seen))
	}
	vs := must[*iam.ListPolicyVersionsOutput](t)(e.IAM.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: aws.String(arn)}))
	if len(vs.Versions) != 5 {
		t.Errorf("ListPolicyVersions: %d versions, want 5", len(vs.Versions))
	}
}

// TestAttachPolicyARNCondition: iam:PolicyARN limits which managed
// policies a delegated administrator may attach.
func TestAttachPolicyARNCondition(t *testing.T) {
	e := newEnv(t)
	safe := e.managedPolicy("safe", "/", docGet)
	admin := e.managedPolicy("admin", "/", docAll)
	must[*iam.CreateUserOutput](t)(e.IAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("target")}))
	delegateIAM, _, _ := e.user("delegate")
	doc := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:AttachUserPolicy","Resource":"*",
		"Condition":{"ArnEquals":{"iam:PolicyARN":"` + safe + `"}}}}`
	must[*iam.PutUserPolicyOutput](t)(e.IAM.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("delegate"), PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)}))
	must[*iam.AttachUserPolicyOutput](t)(delegateIAM.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("target"), PolicyArn: aws.String(safe)}))
	_, err := delegateIAM.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("target"), PolicyArn: aws.String(admin)})
	wantCode(t, err, "AccessDenied")
}
