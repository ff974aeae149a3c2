package iamapi

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func TestCreateGetUser(t *testing.T) {
	e := newEnv(t)
	out := must[*iam.CreateUserOutput](t)(e.IAM.CreateUser(ctx, &iam.CreateUserInput{
		UserName: aws.String("alice"), Path: aws.String("/eng/"),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("storage")}},
	}))
	u := out.User
	if *u.UserName != "alice" || *u.Path != "/eng/" || *u.Arn != "arn:aws:iam::"+testAccount+":user/eng/alice" {
		t.Errorf("user = %+v", u)
	}
	if !regexp.MustCompile(`^AIDA[A-Z0-9]{17}$`).MatchString(*u.UserId) {
		t.Errorf("UserId %q", *u.UserId)
	}
	if len(u.Tags) != 1 || *u.Tags[0].Key != "team" || u.CreateDate == nil {
		t.Errorf("tags %v, create date %v", u.Tags, u.CreateDate)
	}
	got := must[*iam.GetUserOutput](t)(e.IAM.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("ALICE")}))
	if *got.User.UserId != *u.UserId || *got.User.UserName != "alice" {
		t.Errorf("GetUser (other case) = %+v", got.User)
	}
	_, err := e.IAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("Alice")})
	wantCode(t, err, "EntityAlreadyExists")
	_, err = e.IAM.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("nobody")})
	wantCode(t, err, "NoSuchEntity")
}

func TestGetUserSelf(t *testing.T) {
	e := newEnv(t)
	root := must[*iam.GetUserOutput](t)(e.IAM.GetUser(ctx, &iam.GetUserInput{}))
	if *root.User.Arn != "arn:aws:iam::"+testAccount+":root" || *root.User.UserId != testAccount || root.User.UserName != nil {
		t.Errorf("root GetUser = %+v", root.User)
	}
	bob, _, _ := e.user("bob")
	// Without a policy, not even oneself.
	_, err := bob.GetUser(ctx, &iam.GetUserInput{})
	wantCode(t, err, "AccessDenied")
	e.putUserPolicy("bob", "self", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::*:user/${aws:username}"}}`)
	self := must[*iam.GetUserOutput](t)(bob.GetUser(ctx, &iam.GetUserInput{}))
	if *self.User.UserName != "bob" {
		t.Errorf("self = %+v", self.User)
	}
	_, err = bob.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("nobody")})
	wantCode(t, err, "AccessDenied") // not NoSuchEntity: existence isn't revealed
}

func TestUserValidation(t *testing.T) {
	e := newEnv(t)
	for _, in := range []*iam.CreateUserInput{
		{UserName: aws.String("has space")},
		{UserName: aws.String(strings.Repeat("a", 65))},
		{UserName: aws.String("ok"), Path: aws.String("no-slash")},
		{UserName: aws.String("ok"), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}, {Key: aws.String("K"), Value: aws.String("w")}}},
	} {
		_, err := e.IAM.CreateUser(ctx, in)
		if err == nil {
			t.Errorf("CreateUser(%+v) succeeded", in)
		}
	}
	_, err := e.IAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("has space")})
	wantCode(t, err, "ValidationError")
}

func TestListUsersPages(t *testing.T) {
	e := newEnv(t)
	for i := range 7 {
		path := "/a/"
		if i%2 == 1 {
			path = "/b/"
		}
		must[*iam.CreateUserOutput](t)(e.IAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(fmt.Sprintf("u%d", i)), Path: aws.String(path)}))
	}
	var names []string
	p := iam.NewListUsersPaginator(e.IAM, &iam.ListUsersInput{MaxItems: aws.Int32(2)})
	pages := 0
	for p.HasMorePages() {
		out := must[*iam.ListUsersOutput](t)(p.NextPage(ctx))
		pages++
		for _, u := range out.Users {
			names = append(names, *u.UserName)
		}
	}
	if strings.Join(names, ",") != "u0,u1,u2,u3,u4,u5,u6" || pages != 4 {
		t.Errorf("users %v in %d pages", names, pages)
	}
	out := must[*iam.ListUsersOutput](t)(e.IAM.ListUsers(ctx, &iam.ListUsersInput{PathPrefix: aws.String("/b/")}))
	if len(out.Users) != 3 || out.IsTruncated {
		t.Errorf("path prefix /b/: %d users, truncated %v", len(out.Users), out.IsTruncated)
	}
	_, err := e.IAM.ListUsers(ctx, &iam.ListUsersInput{MaxItems: aws.Int32(1001)})
	wantCode(t, err, "ValidationError")
}

func TestDeleteUserConflicts(t *testing.T) {
	e := newEnv(t)
	_, _, key := e.user("carol")
	e.putUserPolicy("carol", "p", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`)
	must[*iam.CreateGroupOutput](t)(e.IAM.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("g")}))
	must[*iam.AddUserToGroupOutput](t)(e.IAM.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("g"), UserName: aws.String("carol")}))
	del := func() error {
		_, err := e.IAM.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("carol")})
		return err
	}
	wantCode(t, del(), "DeleteConflict")
	must[*iam.DeleteAccessKeyOutput](t)(e.IAM.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("carol"), AccessKeyId: aws.String(key)}))
	wantCode(t, del(), "DeleteConflict")
	must[*iam.DeleteUserPolicyOutput](t)(e.IAM.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String("carol"), PolicyName: aws.String("p")}))
	wantCode(t, del(), "DeleteConflict")
	must[*iam.RemoveUserFromGroupOutput](t)(e.IAM.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String("g"), UserName: aws.String("carol")}))
	if err := del(); err != nil {
		t.Fatal(err)
	}
	wantCode(t, del(), "NoSuchEntity")
}

func (e *env) putUserPolicy(user, name, doc string) {
	e.t.Helper()
	_, err := e.IAM.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(user), PolicyName: aws.String(name), PolicyDocument: aws.String(doc)})
	if err != nil {
		e.t.Fatal(err)
	}
}
