package iamapi

import (
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// TestTrustBoundToUniqueID: a trust policy names a user as it was when the
// policy was saved. Deleted and made again under the same name, the user
// is someone else and may not assume the role; IAM shows the old user's
// unique id in the policy; naming a user that does not exist, by ARN or by
// unique id, is refused.
func TestTrustBoundToUniqueID(t *testing.T) {
	e := newEnv(t)
	trustOf := func(principal string) *string {
		return aws.String(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"` + principal + `"},"Action":"sts:AssumeRole"}}`)
	}
	devARN := "arn:aws:iam::" + testAccount + ":user/dev"
	_, err := e.IAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: trustOf(devARN)})
	wantCode(t, err, "MalformedPolicyDocument")
	if !strings.Contains(err.Error(), `Invalid principal in policy: "AWS":"`+devARN+`"`) {
		t.Errorf("no such user: %v", err)
	}

	_, devSTS, devKey := e.user("dev")
	e.putUserPolicy("dev", "assume", allowAll("sts:AssumeRole"))
	role := must[*iam.CreateRoleOutput](t)(e.IAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: trustOf(devARN)}))
	assume := func(c *sts.Client) error {
		_, err := c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String("s1")})
		return err
	}
	if err := assume(devSTS); err != nil {
		t.Fatalf("the user the role trusts: %v", err)
	}
	oldID := *must[*iam.GetUserOutput](t)(e.IAM.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("dev")})).User.UserId

	// dev deleted and made again: the trust does not pass to the new dev.
	devSTS, devKey = e.recreateUser(t, "dev", devKey)
	wantCode(t, assume(devSTS), "AccessDenied")
	got := must[*iam.GetRoleOutput](t)(e.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("r")}))
	doc, _ := url.QueryUnescape(*got.Role.AssumeRolePolicyDocument)
	if doc != *trustOf(oldID) {
		t.Errorf("trust policy after the user's deletion:\n%s\nwant the old user's id %s in place of its ARN", doc, oldID)
	}

	// The policy as IAM shows it cannot be saved again until the deleted
	// user's id is removed, as on AWS; naming the new dev again lets it in.
	_, err = e.IAM.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("r"), PolicyDocument: aws.String(doc)})
	wantCode(t, err, "MalformedPolicyDocument")
	if !strings.Contains(err.Error(), `Invalid principal in policy: "AWS":"`+oldID+`"`) {
		t.Errorf("the deleted user's id: %v", err)
	}
	wantCode(t, assume(devSTS), "AccessDenied")
	must[*iam.UpdateAssumeRolePolicyOutput](t)(e.IAM.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("r"), PolicyDocument: trustOf(devARN)}))
	if err := assume(devSTS); err != nil {
		t.Errorf("the new dev, named again: %v", err)
	}

	// The binding, not the text, decides: a policy that wrote the ARN
	// with escaped slashes (which the text's rewrite does not find) does
	// not pass to a user made again either.
	escaped := strings.ReplaceAll(devARN, "/", `\/`)
	must[*iam.UpdateAssumeRolePolicyOutput](t)(e.IAM.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("r"), PolicyDocument: trustOf(escaped)}))
	devSTS, _ = e.recreateUser(t, "dev", devKey)
	wantCode(t, assume(devSTS), "AccessDenied")

	// A policy may name a user by its unique id.
	newID := *must[*iam.GetUserOutput](t)(e.IAM.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("dev")})).User.UserId
	must[*iam.UpdateAssumeRolePolicyOutput](t)(e.IAM.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("r"), PolicyDocument: trustOf(newID)}))
	if err := assume(devSTS); err != nil {
		t.Errorf("dev named by its unique id: %v", err)
	}
}

// TestTrustBoundRole: a role trusted by ARN and deleted; another made under
// its name cannot assume through the trust.
func TestTrustBoundRole(t *testing.T) {
	e := newEnv(t)
	_, devSTS, _ := e.user("dev")
	e.putUserPolicy("dev", "assume", allowAll("sts:AssumeRole"))
	trust := func(principal string) *string {
		return aws.String(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"` + principal + `"},"Action":"sts:AssumeRole"}}`)
	}
	devARN := "arn:aws:iam::" + testAccount + ":user/dev"
	mid := must[*iam.CreateRoleOutput](t)(e.IAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("mid"), AssumeRolePolicyDocument: trust(devARN)}))
	must[*iam.PutRolePolicyOutput](t)(e.IAM.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("mid"), PolicyName: aws.String("p"), PolicyDocument: aws.String(allowAll("sts:AssumeRole"))}))
	end := must[*iam.CreateRoleOutput](t)(e.IAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("end"), AssumeRolePolicyDocument: trust(*mid.Role.Arn)}))
	chain := func() error {
		out, err := devSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: mid.Role.Arn, RoleSessionName: aws.String("s1")})
		if err != nil {
			return err
		}
		_, midSTS := e.sessionClients(out.Credentials)
		_, err = midSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: end.Role.Arn, RoleSessionName: aws.String("s1")})
		return err
	}
	if err := chain(); err != nil {
		t.Fatalf("the role the role trusts: %v", err)
	}
	must[*iam.DeleteRolePolicyOutput](t)(e.IAM.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("mid"), PolicyName: aws.String("p")}))
	must[*iam.DeleteRoleOutput](t)(e.IAM.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("mid")}))
	mid = must[*iam.CreateRoleOutput](t)(e.IAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("mid"), AssumeRolePolicyDocument: trust(devARN)}))
	must[*iam.PutRolePolicyOutput](t)(e.IAM.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("mid"), PolicyName: aws.String("p"), PolicyDocument: aws.String(allowAll("sts:AssumeRole"))}))
	wantCode(t, chain(), "AccessDenied")
}

// recreateUser deletes user name (made by e.user, with policy "assume")
// and makes it again with a new key, allowed sts:AssumeRole.
func (e *env) recreateUser(t *testing.T, name, key string) (*sts.Client, string) {
	t.Helper()
	must[*iam.DeleteAccessKeyOutput](t)(e.IAM.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String(name), AccessKeyId: aws.String(key)}))
	must[*iam.DeleteUserPolicyOutput](t)(e.IAM.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("assume")}))
	must[*iam.DeleteUserOutput](t)(e.IAM.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String(name)}))
	_, s, k := e.user(name)
	e.putUserPolicy(name, "assume", allowAll("sts:AssumeRole"))
	return s, k
}

// TestTrustNamingTheCaller: a trust policy that names a user lets it assume
// the role with no identity Allow, as on AWS; one that names only the
// account needs the user's own Allow; an explicit Deny in the user's
// policies refuses either way; the trust's conditions still apply.
func TestTrustNamingTheCaller(t *testing.T) {
	e := newEnv(t)
	acct := "arn:aws:iam::" + testAccount
	trust := func(principal, cond string) *string {
		return aws.String(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"` + principal +
			`"},"Action":"sts:AssumeRole"` + cond + `}}`)
	}
	_, soloSTS, _ := e.user("solo")
	_, deniedSTS, _ := e.user("denied")
	e.putUserPolicy("denied", "no", `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"*"}}`)
	named := must[*iam.CreateRoleOutput](t)(e.IAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("named"),
		AssumeRolePolicyDocument: trust(acct+":user/solo", `,"Condition":{"StringLike":{"sts:RoleSessionName":"ok-*"}}`)}))
	account := must[*iam.CreateRoleOutput](t)(e.IAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("account"),
		AssumeRolePolicyDocument: trust(acct+":root", "")}))
	forDenied := must[*iam.CreateRoleOutput](t)(e.IAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("for-denied"),
		AssumeRolePolicyDocument: trust(acct+":user/denied", "")}))
	assume := func(c *sts.Client, role *iam.CreateRoleOutput, session string) error {
		_, err := c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String(session)})
		return err
	}
	if err := assume(soloSTS, named, "ok-1"); err != nil {
		t.Errorf("trust names solo, no identity policy: %v", err)
	}
	wantCode(t, assume(soloSTS, named, "bad-1"), "AccessDenied") // the trust's condition
	wantCode(t, assume(soloSTS, account, "ok-1"), "AccessDenied")
	wantCode(t, assume(deniedSTS, forDenied, "s1"), "AccessDenied")
	e.putUserPolicy("solo", "assume", allowAll("sts:AssumeRole"))
	if err := assume(soloSTS, account, "s1"); err != nil {
		t.Errorf("trust names the account, identity allows: %v", err)
	}
}
