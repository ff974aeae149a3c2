package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
)

// TestAuthzAccessPointPolicyBound: an access point policy names a user as
// it was when the policy was saved. The user deleted and made again under
// the same name is someone else, and is not let in; a policy naming a user
// that does not exist is MalformedPolicy, through S3 Control and FSx. Once
// the user is deleted, GetAccessPointPolicy shows its unique id in place of
// its ARN, as S3 shows a deleted principal, and refuses that policy until
// the id is removed.
func TestAuthzAccessPointPolicyBound(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	alias, vol := azAccessPoint(t, e, "az-bound", "")
	s3c := apS3Control(e)
	allowGuest := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + Account +
		`:user/guest"},"Action":"s3:GetObject","Resource":"` + apARNPrefix + `az-bound/object/public/*"}]}`
	putPolicy := func(doc string) error { return azPutPolicy(s3c, "az-bound", doc) }
	azWant(t, "policy naming no one", putPolicy(allowGuest), "MalformedPolicy")
	in := apPosix("az-bound-2", vol, 1001)
	in.S3AccessPoint = &fsxtypes.CreateAndAttachS3AccessPointS3Configuration{Policy: aws.String(allowGuest)}
	_, err := e.FSx.CreateAndAttachS3AccessPoint(ctx, in)
	azWant(t, "FSx create with a policy naming no one", err, "InvalidRequest")

	guest := azUser(t, e, "guest", "")
	if err := putPolicy(allowGuest); err != nil {
		t.Fatal(err)
	}
	azWant(t, "guest named by the policy", azGet(guest, alias, "public/a.txt"), "")
	got, err := e.IAM.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("guest")})
	if err != nil {
		t.Fatal(err)
	}
	guestID := aws.ToString(got.User.UserId)

	for _, step := range []func() error{
		func() error {
			_, err := e.IAM.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("guest"), AccessKeyId: aws.String(guest.KeyID)})
			return err
		},
		func() error {
			_, err := e.IAM.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("guest")})
			return err
		},
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	shown, err := s3c.GetAccessPointPolicy(ctx, &s3control.GetAccessPointPolicyInput{
		AccountId: aws.String(Account), Name: aws.String("az-bound")})
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Replace(allowGuest, `"arn:aws:iam::`+Account+`:user/guest"`, `"`+guestID+`"`, 1); aws.ToString(shown.Policy) != want {
		t.Errorf("policy after the user's deletion:\n got %s\nwant %s", aws.ToString(shown.Policy), want)
	}
	azWant(t, "the shown policy saved again, naming the deleted user's id", putPolicy(aws.ToString(shown.Policy)), "MalformedPolicy")
	guest = azUser(t, e, "guest", "")
	azWant(t, "another guest under the deleted one's name", azGet(guest, alias, "public/a.txt"), "AccessDenied")
	if err := putPolicy(allowGuest); err != nil {
		t.Fatal(err)
	}
	azWant(t, "the new guest, named again", azGet(guest, alias, "public/a.txt"), "")
}

// TestAuthzAccessPointPolicyAccountDelegates: an access point policy that
// names the account (its root ARN or its id) grants no user anything on its
// own: it delegates to the account's identity policies, as AWS's account
// principal does. A user with no policy is refused; one whose identity
// policy allows is let in; a policy naming the user itself is enough alone.
func TestAuthzAccessPointPolicyAccountDelegates(t *testing.T) {
	e := Start(t)
	alias, _ := azAccessPoint(t, e, "az-acct", "")
	s3c := apS3Control(e)
	none := azUser(t, e, "none", "")
	allowed := azUser(t, e, "allowed", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)
	grant := func(principal string) {
		t.Helper()
		doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + principal +
			`"},"Action":"s3:GetObject","Resource":"` + apARNPrefix + `az-acct/object/*"}]}`
		if err := azPutPolicy(s3c, "az-acct", doc); err != nil {
			t.Fatal(err)
		}
	}
	for _, account := range []string{"arn:aws:iam::" + Account + ":root", Account} {
		grant(account)
		azWant(t, account+": a user with no policy", azGet(none, alias, "public/a.txt"), "AccessDenied")
		azWant(t, account+": a user whose policy allows", azGet(allowed, alias, "public/a.txt"), "")
	}
	grant("arn:aws:iam::" + Account + ":user/none")
	azWant(t, "the user named itself, no identity policy", azGet(none, alias, "public/a.txt"), "")
}
