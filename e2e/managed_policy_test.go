package e2e

// Customer managed policies end to end: attached to a group, a user's
// group, or a role, they grant S3 access through an access point; a new
// default version, a detach or a session's PolicyArns change what is
// allowed on the next request.

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// mpPolicy creates the managed policy name allowing s3:GetObject on the
// keys of access point ap matching keys ("public/*").
func mpPolicy(t *testing.T, c *iam.Client, name, ap, keys string) string {
	t.Helper()
	out, err := c.CreatePolicy(context.Background(), &iam.CreatePolicyInput{PolicyName: aws.String(name), PolicyDocument: aws.String(mpGetDoc(ap, keys))})
	if err != nil {
		t.Fatalf("CreatePolicy %s: %v", name, err)
	}
	return aws.ToString(out.Policy.Arn)
}

func mpGetDoc(ap, keys string) string {
	return `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"` + apARNPrefix + ap + `/object/` + keys + `"}}`
}

// mpGroupMember creates group "readers" with the user name in it.
func mpGroupMember(t *testing.T, c *iam.Client, name string) {
	t.Helper()
	ctx := context.Background()
	if _, err := c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("readers")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("readers"), UserName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
}

func TestManagedPolicyOnGroup(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	alias, _ := azAccessPoint(t, e, "mp-group", "")
	carol := azUser(t, e, "carol", "")
	mpGroupMember(t, e.IAM, "carol")
	azWant(t, "no policy yet", azGet(carol, alias, "public/a.txt"), "AccessDenied")

	arn := mpPolicy(t, e.IAM, "read-public", "mp-group", "public/*")
	if _, err := e.IAM.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("readers"), PolicyArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	azWant(t, "group's managed policy allows public/", azGet(carol, alias, "public/a.txt"), "")
	azWant(t, "group's managed policy does not allow secret/", azGet(carol, alias, "secret/b.txt"), "AccessDenied")

	// A new default version changes the permission at once; so does going back.
	if _, err := e.IAM.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn),
		PolicyDocument: aws.String(mpGetDoc("mp-group", "*")), SetAsDefault: true}); err != nil {
		t.Fatal(err)
	}
	azWant(t, "v2 allows secret/", azGet(carol, alias, "secret/b.txt"), "")
	if _, err := e.IAM.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v1")}); err != nil {
		t.Fatal(err)
	}
	azWant(t, "v1 again refuses secret/", azGet(carol, alias, "secret/b.txt"), "AccessDenied")

	// Nothing it is attached to, nor the policy, can be deleted meanwhile.
	_, err := e.IAM.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)})
	wantAPICode(t, err, "DeleteConflict")
	if _, err := e.IAM.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String("readers"), UserName: aws.String("carol")}); err != nil {
		t.Fatal(err)
	}
	azWant(t, "out of the group", azGet(carol, alias, "public/a.txt"), "AccessDenied")
	_, err = e.IAM.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("readers")})
	wantAPICode(t, err, "DeleteConflict")
	if _, err := e.IAM.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("readers"), UserName: aws.String("carol")}); err != nil {
		t.Fatal(err)
	}
	azWant(t, "back in the group", azGet(carol, alias, "public/a.txt"), "")

	// Detaching revokes on the next request.
	if _, err := e.IAM.DetachGroupPolicy(ctx, &iam.DetachGroupPolicyInput{GroupName: aws.String("readers"), PolicyArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	azWant(t, "detached", azGet(carol, alias, "public/a.txt"), "AccessDenied")
	_, err = e.IAM.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)})
	wantAPICode(t, err, "DeleteConflict") // v2 is still there
	if _, err := e.IAM.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v2")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.IAM.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
}

func TestManagedPolicyOnUserAndRole(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	alias, _ := azAccessPoint(t, e, "mp-role", "")
	arn := mpPolicy(t, e.IAM, "read-all", "mp-role", "*")

	dave := azUser(t, e, "dave", "")
	if _, err := e.IAM.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("dave"), PolicyArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	azWant(t, "user's own managed policy", azGet(dave, alias, "secret/b.txt"), "")
	_, err := e.IAM.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("dave")})
	wantAPICode(t, err, "DeleteConflict")

	// A role whose only permission is an attached managed policy.
	assumer := azUser(t, e, "assumer", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}}`)
	trust := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + Account + `:user/assumer"},"Action":"sts:AssumeRole"}}`
	role, err := e.IAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("managed-reader"), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	roleARN := aws.ToString(role.Role.Arn)
	if _, err := e.IAM.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("managed-reader"), PolicyArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	session := assumeWith(e, assumer, roleARN, "")
	azWant(t, "role's managed policy", azGet(session, alias, "secret/b.txt"), "")

	// PolicyArns narrows a session to what a managed policy allows.
	public := mpPolicy(t, e.IAM, "only-public", "mp-role", "public/*")
	narrow := assumeWith(e, assumer, roleARN, "", public)
	azWant(t, "PolicyArns allows public/", azGet(narrow, alias, "public/a.txt"), "")
	azWant(t, "PolicyArns does not allow secret/", azGet(narrow, alias, "secret/b.txt"), "AccessDenied")
	// Policy and PolicyArns together: either may allow (both narrow the role).
	both := assumeWith(e, assumer, roleARN, mpGetDoc("mp-role", "secret/*"), public)
	azWant(t, "Policy allows secret/ beside PolicyArns", azGet(both, alias, "secret/b.txt"), "")
	azWant(t, "PolicyArns allows public/ beside Policy", azGet(both, alias, "public/a.txt"), "")

	_, err = e.IAM.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("managed-reader")})
	wantAPICode(t, err, "DeleteConflict")
	if _, err := e.IAM.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("managed-reader"), PolicyArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	azWant(t, "role's policy detached", azGet(session, alias, "secret/b.txt"), "AccessDenied")
	if _, err := e.IAM.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("managed-reader")}); err != nil {
		t.Fatal(err)
	}
}
