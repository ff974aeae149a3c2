package iamapi

import (
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

func TestGroups(t *testing.T) {
	e := newEnv(t)
	mike, _, _ := e.user("mike")
	g := must[*iam.CreateGroupOutput](t)(e.IAM.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("admins"), Path: aws.String("/ops/")}))
	if *g.Group.Arn != "arn:aws:iam::"+testAccount+":group/ops/admins" || (*g.Group.GroupId)[:4] != "AGPA" {
		t.Errorf("group = %+v", g.Group)
	}
	_, err := e.IAM.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("ADMINS")})
	wantCode(t, err, "EntityAlreadyExists")

	// A group's policy applies to its members, at once.
	must[*iam.PutGroupPolicyOutput](t)(e.IAM.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{
		GroupName: aws.String("admins"), PolicyName: aws.String("list"), PolicyDocument: aws.String(listUsersPolicy)}))
	_, err = mike.ListUsers(ctx, &iam.ListUsersInput{})
	wantCode(t, err, "AccessDenied")
	must[*iam.AddUserToGroupOutput](t)(e.IAM.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("admins"), UserName: aws.String("mike")}))
	must[*iam.AddUserToGroupOutput](t)(e.IAM.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("admins"), UserName: aws.String("mike")}))
	must[*iam.ListUsersOutput](t)(mike.ListUsers(ctx, &iam.ListUsersInput{}))

	got := must[*iam.GetGroupOutput](t)(e.IAM.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("admins")}))
	if len(got.Users) != 1 || *got.Users[0].UserName != "mike" || *got.Group.GroupName != "admins" {
		t.Errorf("GetGroup = %+v, users %+v", got.Group, got.Users)
	}
	fu := must[*iam.ListGroupsForUserOutput](t)(e.IAM.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String("mike")}))
	if len(fu.Groups) != 1 || *fu.Groups[0].GroupName != "admins" {
		t.Errorf("ListGroupsForUser = %+v", fu.Groups)
	}
	lg := must[*iam.ListGroupsOutput](t)(e.IAM.ListGroups(ctx, &iam.ListGroupsInput{PathPrefix: aws.String("/ops")}))
	if len(lg.Groups) != 1 {
		t.Errorf("ListGroups = %+v", lg.Groups)
	}
	gp := must[*iam.GetGroupPolicyOutput](t)(e.IAM.GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: aws.String("admins"), PolicyName: aws.String("list")}))
	if doc, _ := url.QueryUnescape(*gp.PolicyDocument); doc != listUsersPolicy || *gp.GroupName != "admins" {
		t.Errorf("GetGroupPolicy = %q", doc)
	}
	lp := must[*iam.ListGroupPoliciesOutput](t)(e.IAM.ListGroupPolicies(ctx, &iam.ListGroupPoliciesInput{GroupName: aws.String("admins")}))
	if len(lp.PolicyNames) != 1 {
		t.Errorf("ListGroupPolicies = %v", lp.PolicyNames)
	}

	_, err = e.IAM.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("admins")})
	wantCode(t, err, "DeleteConflict") // members
	must[*iam.RemoveUserFromGroupOutput](t)(e.IAM.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String("admins"), UserName: aws.String("mike")}))
	_, err = mike.ListUsers(ctx, &iam.ListUsersInput{})
	wantCode(t, err, "AccessDenied") // membership gone, at once
	_, err = e.IAM.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String("admins"), UserName: aws.String("mike")})
	wantCode(t, err, "NoSuchEntity")
	_, err = e.IAM.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("admins")})
	wantCode(t, err, "DeleteConflict") // policies
	must[*iam.DeleteGroupPolicyOutput](t)(e.IAM.DeleteGroupPolicy(ctx, &iam.DeleteGroupPolicyInput{GroupName: aws.String("admins"), PolicyName: aws.String("list")}))
	must[*iam.DeleteGroupOutput](t)(e.IAM.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("admins")}))
	_, err = e.IAM.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("admins")})
	wantCode(t, err, "NoSuchEntity")
}

func TestGroupsPerUserQuota(t *testing.T) {
	e := newEnv(t)
	must[*iam.CreateUserOutput](t)(e.IAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("nina")}))
	for i := range maxGroupsPerUser + 1 {
		name := aws.String("g" + string(rune('a'+i)))
		must[*iam.CreateGroupOutput](t)(e.IAM.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: name}))
		_, err := e.IAM.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: name, UserName: aws.String("nina")})
		if i == maxGroupsPerUser {
			wantCode(t, err, "LimitExceeded")
		} else if err != nil {
			t.Fatal(err)
		}
	}
}
