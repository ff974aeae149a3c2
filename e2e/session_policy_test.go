package e2e

// Session policies end to end: AssumeRole's and GetFederationToken's
// Policy and PolicyArns narrow what the session may do to the
// intersection with the role's or user's own policies.

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// assumeWith returns an S3 client signed by a session of roleARN that
// assumer makes with the session policy inline and the managed ones arns.
func assumeWith(e *Env, assumer azClients, roleARN, inline string, arns ...string) azClients {
	provider := aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(assumer.STS, roleARN, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName, o.Duration = "narrow", 15*time.Minute
		if inline != "" {
			o.Policy = aws.String(inline)
		}
		for _, a := range arns {
			o.PolicyARNs = append(o.PolicyARNs, ststypes.PolicyDescriptorType{Arn: aws.String(a)})
		}
	}))
	return azClients{S3: s3As(e, provider)}
}

func TestSessionPolicyNarrowsRole(t *testing.T) {
	e := Start(t)
	alias, _ := azAccessPoint(t, e, "sess-pol", "")
	assumer := azUser(t, e, "assumer", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}}`)
	roleARN := readerRole(t, e, "sess-pol")

	whole := assumeWith(e, assumer, roleARN, "")
	azWant(t, "role without a session policy reads secret/", azGet(whole, alias, "secret/b.txt"), "")

	onlyPublic := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"` + apARNPrefix + `sess-pol/object/public/*"}}`
	narrow := assumeWith(e, assumer, roleARN, onlyPublic)
	azWant(t, "session policy allows public/", azGet(narrow, alias, "public/a.txt"), "")
	azWant(t, "session policy does not allow secret/", azGet(narrow, alias, "secret/b.txt"), "AccessDenied")

	// The session policy grants nothing the role lacks.
	everything := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`
	wide := assumeWith(e, assumer, roleARN, everything)
	azWant(t, "session policy cannot widen the role", azPut(wide, alias, "new.txt"), "AccessDenied")
}

// fedClients returns clients signed by a GetFederationToken session of u.
func fedClients(t *testing.T, e *Env, u azClients, in *sts.GetFederationTokenInput) azClients {
	t.Helper()
	out, err := u.STS.GetFederationToken(context.Background(), in)
	if err != nil {
		t.Fatalf("GetFederationToken: %v", err)
	}
	c := out.Credentials
	creds := credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)
	return azClients{S3: s3As(e, creds),
		STS: sts.New(sts.Options{}, e.stsOpts, func(o *sts.Options) { o.Credentials = creds }),
		FSx: fsx.New(fsx.Options{}, e.fsxOpts, func(o *fsx.Options) { o.Credentials = creds }),
		IAM: iam.New(iam.Options{}, e.iamOpts, func(o *iam.Options) { o.Credentials = creds })}
}

func TestFederationTokenNarrowsUser(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	alias, _ := azAccessPoint(t, e, "fed-pol", "")
	u := azUser(t, e, "broker", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:GetObject","sts:GetFederationToken","iam:GetUser"],"Resource":"*"}}`)

	bare := fedClients(t, e, u, &sts.GetFederationTokenInput{Name: aws.String("bare"), DurationSeconds: aws.Int32(900)})
	azWant(t, "a federated session without session policies", azGet(bare, alias, "public/a.txt"), "AccessDenied")

	onlyPublic := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"` + apARNPrefix + `fed-pol/object/public/*"}}`
	fed := fedClients(t, e, u, &sts.GetFederationTokenInput{Name: aws.String("carl"), Policy: aws.String(onlyPublic)})
	azWant(t, "session policy allows public/", azGet(fed, alias, "public/a.txt"), "")
	azWant(t, "session policy does not allow secret/", azGet(fed, alias, "secret/b.txt"), "AccessDenied")
	who, err := fed.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(who.Arn) != "arn:aws:sts::"+Account+":federated-user/carl" || aws.ToString(who.UserId) != Account+":carl" {
		t.Fatalf("GetCallerIdentity = %+v, %v", who, err)
	}
	_, err = fed.IAM.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("broker")})
	wantAPICode(t, err, "AccessDenied") // federated sessions may not call IAM
	_, err = fed.STS.GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("again")})
	wantAPICode(t, err, "AccessDenied")
}

// TestFederationTokenNarrowsRoot: a GetFederationToken session of the
// root user does only what its session policy allows, as AWS's
// intersection of root's permissions and the session policy; without a
// session policy it does nothing.
func TestFederationTokenNarrowsRoot(t *testing.T) {
	e := Start(t)
	alias, _ := azAccessPoint(t, e, "fed-root", "")
	root := azClients{STS: e.STS}
	onlyGet := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`
	fed := fedClients(t, e, root, &sts.GetFederationTokenInput{Name: aws.String("rootfed"), Policy: aws.String(onlyGet)})
	azWant(t, "root's session policy allows GetObject", azGet(fed, alias, "public/a.txt"), "")
	azWant(t, "root's session policy does not allow PutObject", azPut(fed, alias, "new.txt"), "AccessDenied")
	bare := fedClients(t, e, root, &sts.GetFederationTokenInput{Name: aws.String("rootbare")})
	azWant(t, "root's federated session without a policy", azGet(bare, alias, "public/a.txt"), "AccessDenied")

	// The session policy's tag conditions see the tags on FSx too.
	guard := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"fsx:*","Resource":"*"},
		{"Effect":"Deny","Action":"fsx:*","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/protected":"true"}}},
		{"Effect":"Deny","Action":"fsx:TagResource","Resource":"*","Condition":{"StringEquals":{"aws:RequestTag/protected":"true"}}}]}`
	guarded := fedClients(t, e, root, &sts.GetFederationTokenInput{Name: aws.String("rootguard"), Policy: aws.String(guard)})
	ctx := context.Background()
	plain := createOpenZFS(t, e)
	prot := createOpenZFS(t, e, func(in *fsx.CreateFileSystemInput) {
		in.Tags = []fsxtypes.Tag{{Key: aws.String("protected"), Value: aws.String("true")}}
	})
	tag := func(fs *fsxtypes.FileSystem, k, v string) error {
		_, err := guarded.FSx.TagResource(ctx, &fsx.TagResourceInput{ResourceARN: fs.ResourceARN, Tags: []fsxtypes.Tag{{Key: aws.String(k), Value: aws.String(v)}}})
		return err
	}
	if err := tag(plain, "team", "a"); err != nil {
		t.Errorf("tagging an unprotected file system: %v", err)
	}
	if err := tag(prot, "team", "a"); err == nil || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("tagging a file system tagged protected=true: %v, want AccessDenied", err)
	}
	if err := tag(plain, "protected", "true"); err == nil || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("setting protected=true: %v, want AccessDenied", err)
	}
}

// TestFederatedSessionLimits: whatever its policies allow, a federated
// user session calls no STS operation but GetCallerIdentity (so it cannot
// assume a role to escape its session policy), and a GetSessionToken
// session no IAM operation (AWS asks for MFA, which fsxd never has).
func TestFederatedSessionLimits(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	trust := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + Account + `:root"},"Action":"sts:AssumeRole"}}`
	role, err := e.IAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("open-role"), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	all := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`
	u := azUser(t, e, "broker", all)
	fed := fedClients(t, e, u, &sts.GetFederationTokenInput{Name: aws.String("escaper"), Policy: aws.String(all)})
	_, err = fed.STS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String("out")})
	wantAPICode(t, err, "AccessDenied")
	if _, err := fed.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Errorf("GetCallerIdentity from a federated session: %v", err)
	}
	// The user itself may assume the role.
	if _, err := u.STS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String("in")}); err != nil {
		t.Fatalf("AssumeRole by the user: %v", err)
	}

	gst, err := u.STS.GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(900)})
	if err != nil {
		t.Fatal(err)
	}
	c := gst.Credentials
	creds := credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)
	_, err = iam.New(iam.Options{}, e.iamOpts, func(o *iam.Options) { o.Credentials = creds }).ListUsers(ctx, &iam.ListUsersInput{})
	wantAPICode(t, err, "InvalidClientTokenId")
}
