package iamapi

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/fsxd/fsxd/identity"
)

func TestAccessKeyLifecycle(t *testing.T) {
	e := newEnv(t)
	must[*iam.CreateUserOutput](t)(e.IAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("dave")}))
	out := must[*iam.CreateAccessKeyOutput](t)(e.IAM.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("dave")}))
	k := out.AccessKey
	if !regexp.MustCompile(`^AKIA[A-Z2-7]{16}$`).MatchString(*k.AccessKeyId) || len(*k.SecretAccessKey) != 40 ||
		k.Status != types.StatusTypeActive || *k.UserName != "dave" {
		t.Fatalf("key = %+v", k)
	}
	_, stsc := e.clients(*k.AccessKeyId, *k.SecretAccessKey)
	id := must[*sts.GetCallerIdentityOutput](t)(stsc.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}))
	if *id.Arn != "arn:aws:iam::"+testAccount+":user/dave" || *id.Account != testAccount || (*id.UserId)[:4] != "AIDA" {
		t.Errorf("caller identity = %s %s %s", *id.Arn, *id.Account, *id.UserId)
	}

	list := must[*iam.ListAccessKeysOutput](t)(e.IAM.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("dave")}))
	if len(list.AccessKeyMetadata) != 1 || *list.AccessKeyMetadata[0].AccessKeyId != *k.AccessKeyId {
		t.Errorf("ListAccessKeys = %+v", list.AccessKeyMetadata)
	}

	// Deactivation takes effect on the next request.
	must[*iam.UpdateAccessKeyOutput](t)(e.IAM.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{
		UserName: aws.String("dave"), AccessKeyId: k.AccessKeyId, Status: types.StatusTypeInactive}))
	_, err := stsc.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantCode(t, err, "InvalidClientTokenId")
	must[*iam.UpdateAccessKeyOutput](t)(e.IAM.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{
		UserName: aws.String("dave"), AccessKeyId: k.AccessKeyId, Status: types.StatusTypeActive}))
	must[*sts.GetCallerIdentityOutput](t)(stsc.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}))

	// So does deletion.
	must[*iam.DeleteAccessKeyOutput](t)(e.IAM.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("dave"), AccessKeyId: k.AccessKeyId}))
	_, err = stsc.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantCode(t, err, "InvalidClientTokenId")
	_, err = e.IAM.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("dave"), AccessKeyId: k.AccessKeyId})
	wantCode(t, err, "NoSuchEntity")
}

func TestAccessKeyQuotaAndOwnership(t *testing.T) {
	e := newEnv(t)
	_, _, k1 := e.user("erin")
	must[*iam.CreateAccessKeyOutput](t)(e.IAM.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("erin")}))
	_, err := e.IAM.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("erin")})
	wantCode(t, err, "LimitExceeded")
	must[*iam.CreateUserOutput](t)(e.IAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("frank")}))
	// erin's key is not frank's to change.
	_, err = e.IAM.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("frank"), AccessKeyId: aws.String(k1), Status: types.StatusTypeInactive})
	wantCode(t, err, "NoSuchEntity")
	_, err = e.IAM.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("nobody")})
	wantCode(t, err, "NoSuchEntity")
	_, err = e.IAM.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("erin"), AccessKeyId: aws.String(k1), Status: "Paused"})
	wantCode(t, err, "ValidationError")
}

func TestSelfServiceKeys(t *testing.T) {
	e := newEnv(t)
	gina, _, key := e.user("gina")
	e.putUserPolicy("gina", "keys", `{"Version":"2012-10-17","Statement":{"Effect":"Allow",
		"Action":["iam:CreateAccessKey","iam:ListAccessKeys","iam:UpdateAccessKey"],"Resource":"arn:aws:iam::*:user/${aws:username}"}}`)
	// UserName defaults to the caller.
	list := must[*iam.ListAccessKeysOutput](t)(gina.ListAccessKeys(ctx, &iam.ListAccessKeysInput{}))
	if len(list.AccessKeyMetadata) != 1 || *list.AccessKeyMetadata[0].AccessKeyId != key {
		t.Errorf("own keys = %+v", list.AccessKeyMetadata)
	}
	out := must[*iam.CreateAccessKeyOutput](t)(gina.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{}))
	if *out.AccessKey.UserName != "gina" {
		t.Errorf("created for %s", *out.AccessKey.UserName)
	}
	must[*iam.CreateUserOutput](t)(e.IAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("hank")}))
	_, err := gina.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("hank")})
	wantCode(t, err, "AccessDenied")
	// The root user's own key comes from the configuration.
	root := must[*iam.ListAccessKeysOutput](t)(e.IAM.ListAccessKeys(ctx, &iam.ListAccessKeysInput{}))
	if len(root.AccessKeyMetadata) != 1 || *root.AccessKeyMetadata[0].AccessKeyId != rootKey {
		t.Errorf("root keys = %+v", root.AccessKeyMetadata)
	}
	_, err = e.IAM.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{})
	wantCode(t, err, "ValidationError")
}

// TestSecretsAtRest: the store file never holds a secret in the clear.
func TestSecretsAtRest(t *testing.T) {
	e := newEnv(t)
	must[*iam.CreateUserOutput](t)(e.IAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("ivan")}))
	var secrets []string
	for range 2 {
		out := must[*iam.CreateAccessKeyOutput](t)(e.IAM.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("ivan")}))
		secrets = append(secrets, *out.AccessKey.SecretAccessKey)
	}
	e.st.Close()
	files, _ := filepath.Glob(e.path + "*") // the database, its WAL and shm
	if len(files) == 0 {
		t.Fatal("no database files")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds a secret in plain text", f)
			}
		}
	}
}

// TestLookupKeyCache: lookups racing with changes never see a state older
// than the last committed change once it has returned.
func TestLookupKeyCache(t *testing.T) {
	e := newEnv(t)
	_, _, id := e.user("oscar")
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
				if _, err := e.dir.LookupKey(ctx, id); err != nil {
					t.Error(err)
					return
				}
			}
		}
	}()
	for i := range 20 {
		status := types.StatusTypeInactive
		if i%2 == 1 {
			status = types.StatusTypeActive
		}
		must[*iam.UpdateAccessKeyOutput](t)(e.IAM.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("oscar"), AccessKeyId: aws.String(id), Status: status}))
		k, err := e.dir.LookupKey(ctx, id)
		if err != nil || k.Active != (status == types.StatusTypeActive) {
			t.Fatalf("after setting %s: Active=%v, %v", status, k.Active, err)
		}
	}
	close(stop)
	<-done
	if _, err := e.dir.LookupKey(ctx, "AKIANOSUCHKEY0000000"); !errors.Is(err, identity.ErrUnknownKey) {
		t.Errorf("unknown key: %v, want identity.ErrUnknownKey", err)
	}
}

func TestCaseInsensitiveTarget(t *testing.T) {
	e := newEnv(t)
	pat, _, _ := e.user("pat")
	e.putUserPolicy("pat", "self", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::*:user/pat"}}`)
	out := must[*iam.GetUserOutput](t)(pat.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("PAT")}))
	if *out.User.UserName != "pat" {
		t.Errorf("GetUser(PAT) = %s", *out.User.UserName)
	}
}
