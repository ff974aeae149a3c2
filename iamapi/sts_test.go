package iamapi

import (
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/fsxd/fsxd/identity"
	"github.com/fsxd/fsxd/store"
)

// sessionClients returns IAM and STS clients signed with temporary
// credentials.
func (e *env) sessionClients(c *types.Credentials) (*iam.Client, *sts.Client) {
	creds := credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)
	i := iam.New(iam.Options{BaseEndpoint: aws.String(e.url), Region: "us-east-1", Credentials: creds, Retryer: aws.NopRetryer{}})
	s := sts.New(sts.Options{BaseEndpoint: aws.String(e.url), Region: "us-east-1", Credentials: creds, Retryer: aws.NopRetryer{}})
	return i, s
}

// roleEnv: user "dev" may only sts:AssumeRole; role "lister" trusts dev
// when it presents the external id, and may iam:ListRoles.
func roleEnv(t *testing.T) (*env, *sts.Client, string) {
	e := newEnv(t)
	_, devSTS, _ := e.user("dev")
	e.putUserPolicy("dev", "assume", allowAll("sts:AssumeRole"))
	trust := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + testAccount + `:user/dev"},` +
		`"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x-42"}}}}`
	out := must[*iam.CreateRoleOutput](t)(e.IAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("lister"), AssumeRolePolicyDocument: aws.String(trust)}))
	must[*iam.PutRolePolicyOutput](t)(e.IAM.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("lister"),
		PolicyName: aws.String("list"), PolicyDocument: aws.String(allowAll("iam:ListRoles", "iam:ListUsers"))}))
	return e, devSTS, *out.Role.Arn
}

func TestAssumeRole(t *testing.T) {
	e, devSTS, roleARN := roleEnv(t)
	_, err := devSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("s1")})
	wantCode(t, err, "AccessDenied") // no external id: the trust policy says no
	_, err = devSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN + "x"), RoleSessionName: aws.String("s1"), ExternalId: aws.String("x-42")})
	wantCode(t, err, "AccessDenied") // no such role: the same answer
	_, err = e.STS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("s1")})
	wantCode(t, err, "AccessDenied") // root may not
	_, err = devSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("s1"),
		ExternalId: aws.String("x-42"), DurationSeconds: aws.Int32(7200)})
	wantCode(t, err, "ValidationError") // over the role's MaxSessionDuration

	out := must[*sts.AssumeRoleOutput](t)(devSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN),
		RoleSessionName: aws.String("s1"), ExternalId: aws.String("x-42"), DurationSeconds: aws.Int32(900)}))
	wantARN := "arn:aws:sts::" + testAccount + ":assumed-role/lister/s1"
	if *out.AssumedRoleUser.Arn != wantARN || len(*out.Credentials.AccessKeyId) != 20 || (*out.Credentials.AccessKeyId)[:4] != "ASIA" {
		t.Fatalf("AssumeRole = %+v %+v", out.AssumedRoleUser, out.Credentials)
	}
	if d := time.Until(*out.Credentials.Expiration); d < 14*time.Minute || d > 16*time.Minute {
		t.Errorf("expiration in %v, want 15m", d)
	}
	roleIAM, roleSTS := e.sessionClients(out.Credentials)
	who := must[*sts.GetCallerIdentityOutput](t)(roleSTS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}))
	if *who.Arn != wantARN || *who.UserId != *out.AssumedRoleUser.AssumedRoleId {
		t.Errorf("GetCallerIdentity = %s %s", *who.Arn, *who.UserId)
	}
	must[*iam.ListRolesOutput](t)(roleIAM.ListRoles(ctx, &iam.ListRolesInput{}))
	_, err = roleIAM.ListGroups(ctx, &iam.ListGroupsInput{})
	wantCode(t, err, "AccessDenied")
	_, err = roleSTS.GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	wantCode(t, err, "AccessDenied")

	// The token is bound to its key: another token, or none, is refused.
	bad := *out.Credentials
	bad.SessionToken = aws.String("FQoGZXIvYXdzEnottherealone")
	badIAM, _ := e.sessionClients(&bad)
	_, err = badIAM.ListRoles(ctx, &iam.ListRolesInput{})
	wantCode(t, err, "InvalidClientTokenId")
	noTok, _ := e.clients(*out.Credentials.AccessKeyId, *out.Credentials.SecretAccessKey)
	_, err = noTok.ListRoles(ctx, &iam.ListRolesInput{})
	wantCode(t, err, "InvalidClientTokenId")

	// Past its expiry, the token is refused as expired.
	age(t, e, *out.Credentials.AccessKeyId)
	_, err = roleIAM.ListRoles(ctx, &iam.ListRolesInput{})
	wantCode(t, err, "ExpiredToken")
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != 403 {
		t.Errorf("ExpiredToken status: %v, want 403 as STS and IAM answer", err)
	}
}

// age moves a session's expiry into the past, as time would.
func age(t *testing.T, e *env, keyID string) {
	t.Helper()
	err := e.st.Update(ctx, func(tx *store.Tx) error {
		s, err := identity.Sessions(tx).Get(keyID)
		if err != nil {
			return err
		}
		s.Expires = time.Now().Add(-time.Second)
		return identity.Sessions(tx).Put(keyID, s)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestAssumeRoleSessionPolicyAndDelete(t *testing.T) {
	e, devSTS, roleARN := roleEnv(t)
	out := must[*sts.AssumeRoleOutput](t)(devSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN),
		RoleSessionName: aws.String("narrow"), ExternalId: aws.String("x-42"), Policy: aws.String(allowAll("iam:ListUsers"))}))
	roleIAM, _ := e.sessionClients(out.Credentials)
	must[*iam.ListUsersOutput](t)(roleIAM.ListUsers(ctx, &iam.ListUsersInput{}))
	_, err := roleIAM.ListRoles(ctx, &iam.ListRolesInput{}) // the role allows it, the session policy does not
	wantCode(t, err, "AccessDenied")

	must[*iam.DeleteRolePolicyOutput](t)(e.IAM.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("lister"), PolicyName: aws.String("list")}))
	must[*iam.DeleteRoleOutput](t)(e.IAM.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("lister")}))
	_, err = roleIAM.ListUsers(ctx, &iam.ListUsersInput{})
	wantCode(t, err, "InvalidClientTokenId")
}

func TestAssumeRoleNeedsCallerPermission(t *testing.T) {
	e, _, roleARN := roleEnv(t)
	_, otherSTS, _ := e.user("other")
	trust := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"` + testAccount + `"},"Action":"sts:AssumeRole"}}`
	must[*iam.UpdateAssumeRolePolicyOutput](t)(e.IAM.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{
		RoleName: aws.String("lister"), PolicyDocument: aws.String(trust)}))
	_, err := otherSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("s2")})
	wantCode(t, err, "AccessDenied") // trusted by the account, but no sts:AssumeRole of its own
}

func TestGetSessionToken(t *testing.T) {
	e := newEnv(t)
	_, devSTS, _ := e.user("dev")
	e.putUserPolicy("dev", "list", allowAll("iam:ListUsers"))
	out := must[*sts.GetSessionTokenOutput](t)(devSTS.GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(900)}))
	tmpIAM, tmpSTS := e.sessionClients(out.Credentials)
	who := must[*sts.GetCallerIdentityOutput](t)(tmpSTS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}))
	if *who.Arn != "arn:aws:iam::"+testAccount+":user/dev" {
		t.Errorf("GetCallerIdentity = %s", *who.Arn)
	}
	// As AWS: without MFA (which fsxd's sessions never carry) these
	// credentials call no IAM operation, whatever the user's policies say.
	_, err := tmpIAM.ListUsers(ctx, &iam.ListUsersInput{})
	wantCode(t, err, "InvalidClientTokenId")
	_, err = devSTS.GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(600)})
	wantCode(t, err, "ValidationError")
}

// TestUnsupportedParamsRefused: parameters fsxd would not enforce
// (permissions boundaries, session tags, MFA) are refused, never dropped.
func TestUnsupportedParamsRefused(t *testing.T) {
	e := newEnv(t)
	_, devSTS, _ := e.user("dev")
	_, err := e.IAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bounded"),
		PermissionsBoundary: aws.String("arn:aws:iam::" + testAccount + ":policy/boundary")})
	wantCode(t, err, "InvalidInput")
	if _, err := e.IAM.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("bounded")}); err == nil {
		t.Error("the user was created without its boundary")
	}
	_, err = e.IAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("bounded"), AssumeRolePolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + testAccount + `:root"},"Action":"sts:AssumeRole"}}`),
		PermissionsBoundary: aws.String("arn:aws:iam::" + testAccount + ":policy/boundary")})
	wantCode(t, err, "InvalidInput")
	_, err = devSTS.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String("arn:aws:iam::" + testAccount + ":mfa/dev"), TokenCode: aws.String("000000")})
	wantCode(t, err, "ValidationError")
	_, err = devSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + testAccount + ":role/any"), RoleSessionName: aws.String("s"),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("a")}}})
	wantCode(t, err, "ValidationError")
}

// TestRootSessionCappedAtAnHour: root's GetSessionToken and
// GetFederationToken asking for more than an hour get an hour, as on AWS,
// not an error.
func TestRootSessionCappedAtAnHour(t *testing.T) {
	e := newEnv(t)
	gst := must[*sts.GetSessionTokenOutput](t)(e.STS.GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(7200)}))
	fed := must[*sts.GetFederationTokenOutput](t)(e.STS.GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("rootfed"), DurationSeconds: aws.Int32(7200)}))
	for what, exp := range map[string]*time.Time{"GetSessionToken": gst.Credentials.Expiration, "GetFederationToken": fed.Credentials.Expiration} {
		if left := time.Until(*exp); left > time.Hour+time.Minute || left < 50*time.Minute {
			t.Errorf("%s of root for 2 h: expires in %v, want an hour", what, left)
		}
	}
	_, err := e.STS.GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(129601)})
	wantCode(t, err, "ValidationError")
}
