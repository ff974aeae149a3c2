package e2e

// Session policies end to end: AssumeRole's Policy and PolicyArns narrow
// what the role's session may do to the intersection with the role's own
// policies.

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
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
	roleARN := readerRole(t, e, "sess-pol")
	assumer := azUser(t, e, "assumer", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}}`)

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
