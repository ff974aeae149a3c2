package e2e

// The console's IAM page lists roles and managed policies, through the
// same API calls (and so the same authorization) as the CLI would make.

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/chromedp/chromedp"
)

func TestConsoleRolesAndPolicies(t *testing.T) {
	env := Start(t)
	ctx := context.Background()
	trust := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + Account + `:root"},"Action":"sts:AssumeRole"}}`
	if _, err := env.IAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("nightly-job"), Path: aws.String("/jobs/"),
		AssumeRolePolicyDocument: aws.String(trust), MaxSessionDuration: aws.Int32(7200)}); err != nil {
		t.Fatal(err)
	}
	arn := mpPolicy(t, env.IAM, "read-reports", "reports", "*")
	if _, err := env.IAM.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("nightly-job"), PolicyArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	// A user who may list users and groups, but not roles or policies.
	lister := azUser(t, env, "lister", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["iam:ListUsers","iam:ListGroups","iam:ListAccessKeys","iam:ListUserPolicies"],"Resource":"*"}}`)

	b := newBrowser(t, env)
	b.signIn(env.Key, env.Secret)
	b.waitText("#who", ":root")
	b.run("root opens IAM", chromedp.Navigate(b.url+"iam"))
	row := `#roles tr[data-role="nightly-job"]`
	b.waitText(row, "arn:aws:iam::"+Account+":role/jobs/nightly-job")
	b.waitText(row, "7200 s")
	b.waitText(row, "read-reports")
	b.waitText(row, `"sts:AssumeRole"`)
	pol := `#managed-policies tr[data-policy="read-reports"]`
	b.waitText(pol, arn)
	b.waitText(pol+" .count", "1")
	b.waitText(pol, `"s3:GetObject"`)
	b.run("sign out", chromedp.Navigate(b.url), chromedp.Click(chromedp.CSS("#signout")))
	b.waitText("h1", "Sign in")

	b.signIn(lister.KeyID, lister.Secret)
	b.waitText("#who", ":user/lister")
	b.run("lister opens IAM", chromedp.Navigate(b.url+"iam"))
	b.waitText("#users", "lister")
	b.waitText("#roles-denied", "iam:ListRoles")
	b.waitText("#policies-denied", "iam:ListPolicies")
	b.waitJS("no role or policy shown", `!document.querySelector("#roles") && !document.querySelector("#managed-policies") && !document.body.innerText.includes("nightly-job")`)
}
