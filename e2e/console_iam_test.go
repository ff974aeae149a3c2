package e2e

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/chromedp/chromedp"
)

// TestConsoleAccessKeys: root creates a key for a user on the IAM page
// (the secret is shown once, and works), deactivates it (it stops
// working) and deletes it after a confirmation; a user who may only list
// IAM sees those buttons disabled with the refused action and resource.
func TestConsoleAccessKeys(t *testing.T) {
	env := Start(t)
	ctx := context.Background()
	if _, err := env.IAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("dev")}); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, env)
	b.signIn(env.Key, env.Secret)
	b.waitText("#who", ":root")

	row := `tr[data-user="dev"]`
	b.run("create key", chromedp.Navigate(b.url+"iam"), chromedp.Click(chromedp.CSS(row+` button[value="create-key"]`)))
	b.waitText("#new-key", "New access key for dev")
	secret := b.text("#new-secret")
	keys := userKeys(t, env, "dev")
	if len(keys) != 1 || keys[0].Status != iamtypes.StatusTypeActive {
		t.Fatalf("keys of dev: %+v", keys)
	}
	id := aws.ToString(keys[0].AccessKeyId)
	if err := callerIdentity(env, id, secret); err != nil {
		t.Fatalf("the key the page showed does not work: %v", err)
	}
	b.run("reload", chromedp.Reload())
	b.waitText(row, id)
	if n := get(b, "secret again", chromedp.Evaluate[int](`document.querySelectorAll("#new-key").length`)); n != 0 || len(userKeys(t, env, "dev")) != 1 {
		t.Fatalf("after a reload: %d secrets shown, %d keys", n, len(userKeys(t, env, "dev")))
	}

	b.run("deactivate", chromedp.Click(chromedp.CSS(row+` button[value="deactivate-key"]`)))
	b.waitText(row, "Inactive")
	if keys := userKeys(t, env, "dev"); keys[0].Status != iamtypes.StatusTypeInactive {
		t.Fatalf("after Deactivate: %s", keys[0].Status)
	}
	if err := callerIdentity(env, id, secret); err == nil {
		t.Fatal("an inactive key still signs")
	}

	b.run("decline delete", chromedp.Evaluate[chromedp.Void](`window.asked = ""; window.confirm = (m) => { window.asked = m; return false; }`),
		chromedp.Click(chromedp.CSS(row+` button[value="delete-key"]`)))
	if asked := get(b, "asked", chromedp.Evaluate[string](`window.asked`)); asked == "" || len(userKeys(t, env, "dev")) != 1 {
		t.Fatalf("Delete asked %q; keys %d", asked, len(userKeys(t, env, "dev")))
	}
	b.run("delete", chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`), chromedp.Click(chromedp.CSS(row+` button[value="delete-key"]`)))
	b.waitJS("for the key to leave the page", `!!document.querySelector('`+row+`') && !document.querySelector('`+row+`').textContent.includes(`+jsString(id)+`)`)
	if keys := userKeys(t, env, "dev"); len(keys) != 0 {
		t.Fatalf("after Delete: %+v", keys)
	}

	consoleIAMListOnly(t, b, env)
}

// consoleIAMListOnly: a user allowed iam:List* sees the page with its
// changes disabled, each naming the action and resource refused.
func consoleIAMListOnly(t *testing.T, b *browser, env *Env) {
	t.Helper()
	b.switchTo(env, "auditor", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:List*"],"Resource":"*"}]}`)
	b.run("IAM", chromedp.Navigate(b.url+"iam"))
	b.waitText(`tr[data-user="dev"]`, "dev")
	user := "arn:aws:iam::" + Account + ":user/"
	for sel, want := range map[string]string{
		`tr[data-user="dev"] button[value="create-key"]`:     "Denied: iam:CreateAccessKey on " + user + "dev",
		`tr[data-user="auditor"] button[value="delete-key"]`: "Denied: iam:DeleteAccessKey on " + user + "auditor",
		`button[value="create-user"]`:                        "Denied: iam:CreateUser on " + user + "new-user",
	} {
		if why := b.refused(sel); why != want {
			t.Fatalf("%s: refused %q, want %q", sel, why, want)
		}
	}
	b.shot("iam-denied")
	// Pages it may not read at all say why, and nothing else breaks.
	for path, action := range map[string]string{"": "fsx:DescribeFileSystems", "accesspoints": "fsx:DescribeS3AccessPointAttachments"} {
		b.run("open /"+path, chromedp.Navigate(b.url+path))
		b.waitText("#denied", action)
	}
}

func userKeys(t *testing.T, env *Env, user string) []iamtypes.AccessKeyMetadata {
	t.Helper()
	out, err := env.IAM.ListAccessKeys(context.Background(), &iam.ListAccessKeysInput{UserName: aws.String(user)})
	if err != nil {
		t.Fatal(err)
	}
	return out.AccessKeyMetadata
}

// callerIdentity signs one STS request with the key.
func callerIdentity(env *Env, id, secret string) error {
	c := sts.New(sts.Options{Region: Region, BaseEndpoint: aws.String(env.URL), Retryer: aws.NopRetryer{},
		Credentials: credentials.NewStaticCredentialsProvider(id, secret, "")})
	_, err := c.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	return err
}
