package e2e

// IAM roles and temporary credentials end to end, with the SDK's own
// credential providers: stscreds assumes a role for a user that may do
// nothing but sts:AssumeRole, and the session reads one access point
// through S3, is refused elsewhere, and stops working when its token
// expires or its role is deleted.

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/fsxd/fsxd/identity"
	"github.com/fsxd/fsxd/store"
)

// s3As is an S3 client signed by a credentials provider.
func s3As(e *Env, creds aws.CredentialsProvider) *s3.Client {
	return e.S3Client(func(o *s3.Options) { o.UsePathStyle, o.Credentials = true, creds })
}

func wantAPICode(t *testing.T, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code {
		t.Fatalf("err = %v, want %s", err, code)
	}
}

// readerRoleARN is the ARN readerRole's role gets.
const readerRoleARN = "arn:aws:iam::" + Account + ":role/ap-reader"

// readerRole creates role "ap-reader": it trusts user "assumer" (who must
// exist: IAM refuses a trust policy naming no one) and may
// read objects of the access point ap only.
func readerRole(t *testing.T, e *Env, ap string) string {
	t.Helper()
	ctx := context.Background()
	trust := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + Account + `:user/assumer"},"Action":"sts:AssumeRole"}}`
	out, err := e.IAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("ap-reader"), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	read := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"` + apARNPrefix + ap + `/object/*"}}`
	if _, err := e.IAM.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("ap-reader"),
		PolicyName: aws.String("read"), PolicyDocument: aws.String(read)}); err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.Role.Arn)
}

// ageSession moves a session's expiry into the past, as 15 minutes would.
func ageSession(t *testing.T, e *Env, keyID string) {
	t.Helper()
	err := e.Server().Store().Update(context.Background(), func(tx *store.Tx) error {
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

func TestRoleAssumeRoleProvider(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	aliasA, _ := azAccessPoint(t, e, "role-a", "")
	aliasB, _ := azAccessPoint(t, e, "role-b", "")
	assumer := azUser(t, e, "assumer", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"`+readerRoleARN+`"}}`)
	roleARN := readerRole(t, e, "role-a")
	if err := azGet(assumer, aliasA, "public/a.txt"); err == nil {
		t.Fatal("the user itself may read: the test proves nothing")
	}

	provider := aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(assumer.STS, roleARN, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName, o.Duration = "e2e", 15*time.Minute
	}))
	role := s3As(e, provider)
	out, err := role.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(aliasA), Key: aws.String("public/a.txt")})
	if err != nil {
		t.Fatalf("GetObject through the role: %v", err)
	}
	body, _ := io.ReadAll(out.Body)
	out.Body.Close()
	if string(body) != "public/a.txt" {
		t.Errorf("body %q", body)
	}
	_, err = role.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(aliasB), Key: aws.String("public/a.txt")})
	wantAPICode(t, err, "AccessDenied")
	_, err = role.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(aliasA), Key: aws.String("x")})
	wantAPICode(t, err, "AccessDenied")
	roleFSx := fsx.New(fsx.Options{}, e.fsxOpts, func(o *fsx.Options) { o.Credentials = provider })
	_, err = roleFSx.DescribeFileSystems(ctx, &fsx.DescribeFileSystemsInput{})
	wantAPICode(t, err, "AccessDeniedException")
	roleSTS := sts.New(sts.Options{}, e.stsOpts, func(o *sts.Options) { o.Credentials = provider })
	who, err := roleSTS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(who.Arn) != "arn:aws:sts::"+Account+":assumed-role/ap-reader/e2e" {
		t.Fatalf("GetCallerIdentity = %v, %v", who, err)
	}

	// A presigned URL carries the token in X-Amz-Security-Token.
	pre, err := s3.NewPresignClient(role).PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(aliasA), Key: aws.String("public/a.txt")})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(pre.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("presigned GET with a session token: %d", resp.StatusCode)
	}

	creds, err := provider.Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ageSession(t, e, creds.AccessKeyID)
	_, err = role.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(aliasA), Key: aws.String("public/a.txt")})
	wantAPICode(t, err, "ExpiredToken")
	_, err = roleFSx.DescribeFileSystems(ctx, &fsx.DescribeFileSystemsInput{})
	wantAPICode(t, err, "ExpiredTokenException")
	_, err = roleSTS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantAPICode(t, err, "ExpiredToken")
}

func TestRoleDeletedKillsSessions(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	aliasA, _ := azAccessPoint(t, e, "role-del", "")
	assumer := azUser(t, e, "assumer", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}}`)
	roleARN := readerRole(t, e, "role-del")
	provider := aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(assumer.STS, roleARN))
	role := s3As(e, provider)
	if _, err := role.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(aliasA), Key: aws.String("public/a.txt")}); err != nil {
		t.Fatalf("HeadObject through the role: %v", err)
	}
	if _, err := e.IAM.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("ap-reader"), PolicyName: aws.String("read")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.IAM.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("ap-reader")}); err != nil {
		t.Fatal(err)
	}
	_, err := role.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(aliasA), Key: aws.String("public/a.txt")})
	wantAPICode(t, err, "InvalidAccessKeyId")
}

func TestRoleGetSessionToken(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	alias, _ := azAccessPoint(t, e, "role-gst", "")
	u := azUser(t, e, "reader", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`)
	out, err := u.STS.GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(900)})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	tmp := s3As(e, aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: *c.AccessKeyId, SecretAccessKey: *c.SecretAccessKey, SessionToken: *c.SessionToken}, nil
	}))
	if _, err := tmp.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(alias), Key: aws.String("public/a.txt")}); err != nil {
		t.Fatalf("GetObject with GetSessionToken credentials: %v", err)
	}
	noToken := s3As(e, aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: *c.AccessKeyId, SecretAccessKey: *c.SecretAccessKey}, nil
	}))
	_, err = noToken.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(alias), Key: aws.String("public/a.txt")})
	wantAPICode(t, err, "InvalidToken")
}

// TestTrustPolicyConditions: a trust policy sees the request's condition
// keys (source address, principal type, session name), so a Deny on them
// applies and an Allow on them can match.
func TestTrustPolicyConditions(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	u := azUser(t, e, "assumer", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}}`)
	account := `"Principal":{"AWS":"arn:aws:iam::` + Account + `:root"},"Action":"sts:AssumeRole"`
	role := func(name, statements string) *string {
		t.Helper()
		out, err := e.IAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name),
			AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[` + statements + `]}`)})
		if err != nil {
			t.Fatal(err)
		}
		return out.Role.Arn
	}
	allow := `{"Effect":"Allow",` + account + `}`
	local := role("not-from-loopback", allow+`,{"Effect":"Deny",`+account+`,"Condition":{"IpAddress":{"aws:SourceIp":"127.0.0.0/8"}}}`)
	named := role("no-blocked-sessions", allow+`,{"Effect":"Deny",`+account+`,"Condition":{"StringLike":{"sts:RoleSessionName":"blocked-*"}}}`)
	users := role("users-only", `{"Effect":"Allow",`+account+`,"Condition":{"StringEquals":{"aws:PrincipalType":"User"}}}`)
	for _, tc := range []struct {
		role    *string
		session string
		code    string
	}{
		{local, "ss", "AccessDenied"},
		{named, "blocked-1", "AccessDenied"},
		{named, "fine", ""},
		{users, "ss", ""},
	} {
		_, err := u.STS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: tc.role, RoleSessionName: aws.String(tc.session)})
		if tc.code == "" && err != nil || tc.code != "" && hardCode(err) != tc.code {
			t.Errorf("AssumeRole %s as %s: %v, want %q", aws.ToString(tc.role), tc.session, err, tc.code)
		}
	}
}

// TestIAMResourceTagGuard: a Deny on aws:ResourceTag or iam:ResourceTag
// protects tagged roles and users from an otherwise allowed IAM admin.
func TestIAMResourceTagGuard(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	trust := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + Account + `:root"},"Action":"sts:AssumeRole"}}`
	for _, name := range []string{"prot", "plain"} {
		in := &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)}
		if name == "prot" {
			in.Tags = []iamtypes.Tag{{Key: aws.String("Protected"), Value: aws.String("true")}}
		}
		if _, err := e.IAM.CreateRole(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	for _, key := range []string{"aws:ResourceTag/protected", "iam:ResourceTag/protected"} {
		admin := azUser(t, e, "admin-"+strings.ReplaceAll(strings.ToLower(key[:3]), ":", ""), `{"Version":"2012-10-17","Statement":[`+
			`{"Effect":"Allow","Action":"iam:*","Resource":"*"},`+
			`{"Effect":"Deny","Action":"iam:*","Resource":"*","Condition":{"StringEquals":{"`+key+`":"true"}}}]}`)
		doc := aws.String(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`)
		_, err := admin.IAM.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("prot"), PolicyName: aws.String("all"), PolicyDocument: doc})
		wantAPICode(t, err, "AccessDenied")
		if _, err := admin.IAM.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("plain"), PolicyName: aws.String("all"), PolicyDocument: doc}); err != nil {
			t.Errorf("%s: PutRolePolicy on an untagged role: %v", key, err)
		}
	}
}

// TestIAMRequestTagGuard: the tags a CreateRole sets are aws:RequestTag
// and aws:TagKeys, so a Deny on them stops a role being created with them.
func TestIAMRequestTagGuard(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	admin := azUser(t, e, "tagger", `{"Version":"2012-10-17","Statement":[`+
		`{"Effect":"Allow","Action":"iam:*","Resource":"*"},`+
		`{"Effect":"Deny","Action":"iam:CreateRole","Resource":"*","Condition":{"StringEquals":{"aws:RequestTag/tier":"admin"}}},`+
		`{"Effect":"Deny","Action":"iam:CreateRole","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":"owner"}}}]}`)
	trust := aws.String(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + Account + `:root"},"Action":"sts:AssumeRole"}}`)
	for _, tc := range []struct {
		name     string
		key, val string
		code     string
	}{
		{"r-admin", "tier", "admin", "AccessDenied"},
		{"r-owned", "owner", "me", "AccessDenied"},
		{"r-plain", "tier", "user", ""},
	} {
		_, err := admin.IAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(tc.name), AssumeRolePolicyDocument: trust,
			Tags: []iamtypes.Tag{{Key: aws.String(tc.key), Value: aws.String(tc.val)}}})
		if tc.code == "" && err != nil || tc.code != "" && hardCode(err) != tc.code {
			t.Errorf("CreateRole %s with %s=%s: %v, want %q", tc.name, tc.key, tc.val, err, tc.code)
		}
	}
}

// TestRoleRevokeOlderSessions is the IAM console's "Revoke active
// sessions": an inline role policy denying everything to sessions whose
// aws:TokenIssueTime is before a cutoff. A session issued before it is
// refused; one issued after it works.
func TestRoleRevokeOlderSessions(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	alias, _ := azAccessPoint(t, e, "role-revoke", "")
	assumer := azUser(t, e, "assumer", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"`+readerRoleARN+`"}}`)
	roleARN := readerRole(t, e, "role-revoke")
	session := func() (*s3.Client, string) {
		out, err := assumer.STS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("revoke-test")})
		if err != nil {
			t.Fatal(err)
		}
		c := out.Credentials
		creds := credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)
		return s3As(e, creds), *c.AccessKeyId
	}
	head := func(c *s3.Client) error {
		_, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(alias), Key: aws.String("public/a.txt")})
		return err
	}
	old, oldKey := session()
	if err := head(old); err != nil {
		t.Fatalf("before the revocation: %v", err)
	}
	var issued time.Time
	err := e.Server().Store().View(ctx, func(tx *store.Tx) error {
		s, err := identity.Sessions(tx).Get(oldKey)
		if err == nil {
			issued = s.Issued
		}
		return err
	})
	if err != nil || issued.IsZero() {
		t.Fatalf("the session's issue time: %v, %v", issued, err)
	}
	cutoff := issued.Add(time.Second)
	revoke := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["*"],"Resource":["*"],"Condition":{"DateLessThan":{"aws:TokenIssueTime":"` + cutoff.Format("2006-01-02T15:04:05Z") + `"}}}]}`
	if _, err := e.IAM.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("ap-reader"),
		PolicyName: aws.String("AWSRevokeOlderSessions"), PolicyDocument: aws.String(revoke)}); err != nil {
		t.Fatal(err)
	}
	if err := head(old); err == nil {
		t.Fatal("a session issued before the cutoff still reads")
	} else if !strings.Contains(err.Error(), "403") {
		t.Fatalf("a session issued before the cutoff: %v, want 403", err)
	}
	time.Sleep(time.Until(cutoff))
	fresh, _ := session()
	if err := head(fresh); err != nil {
		t.Fatalf("a session issued after the cutoff: %v", err)
	}
}
