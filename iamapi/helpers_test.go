package iamapi

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/auth"
	"github.com/fsxd/fsxd/authz"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/identity"
	"github.com/fsxd/fsxd/secret"
	"github.com/fsxd/fsxd/store"
	"github.com/fsxd/fsxd/store/sqlite"
)

const (
	testAccount = "123456789012"
	rootKey     = "AKIAROOTROOTROOTROOT"
	rootSecret  = "root-secret-root-secret-root-secret-0000"
)

var testAcct = fsxd.Account{Partition: "aws", Region: "us-east-1", ID: testAccount}

// env is the service behind an httptest server, with SDK clients signed
// as the root user. Authentication is the real thing (sigv4 through
// package auth, IAM keys through LookupKey) and so is authorization
// (authz over IdentityPolicies), so the tests see what users will.
type env struct {
	t     *testing.T
	svc   *Service
	dir   *identity.Directory
	st    *store.Store
	path  string // the SQLite file
	url   string
	IAM   *iam.Client
	STS   *sts.Client
	reqID string // request id the next response carries, when set
}

func newEnv(t *testing.T) *env {
	t.Helper()
	dir := t.TempDir()
	e := &env{t: t, path: filepath.Join(dir, "fsxd.db")}
	b, err := sqlite.Open(e.path)
	if err != nil {
		t.Fatal(err)
	}
	e.st = store.New(b)
	t.Cleanup(func() { e.st.Close() })
	box, err := secret.LoadOrCreate(filepath.Join(dir, "master.key"))
	if err != nil {
		t.Fatal(err)
	}
	e.dir = identity.New(identity.Config{Store: e.st, Account: testAcct, Secrets: box,
		Root: identity.RootKey{ID: rootKey, Secret: rootSecret}})
	checker, err := authz.NewChecker(e.dir.IdentityPolicies, nil, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	checker.Session = e.dir.SessionPolicies
	authn := &auth.Authenticator{Now: time.Now, Lookup: e.dir.LookupKey}
	e.svc = New(Config{
		Identity: e.dir,
		Authenticate: func(r *http.Request) (*fsxd.Principal, error) {
			p, _, err := authn.Authenticate(r, auth.Query)
			return p, err
		},
		Checker: checker,
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := e.reqID
		if id == "" {
			id = awserr.NewRequestID()
		}
		e.svc.Serve(w, r.WithContext(awserr.WithRequestID(r.Context(), id)))
	}))
	t.Cleanup(srv.Close)
	e.url = srv.URL
	e.IAM, e.STS = e.clients(rootKey, rootSecret)
	return e
}

// clients returns IAM and STS clients signed with the given key.
func (e *env) clients(key, secret string) (*iam.Client, *sts.Client) {
	creds := credentials.NewStaticCredentialsProvider(key, secret, "")
	i := iam.New(iam.Options{BaseEndpoint: aws.String(e.url), Region: "us-east-1", Credentials: creds, Retryer: aws.NopRetryer{}})
	s := sts.New(sts.Options{BaseEndpoint: aws.String(e.url), Region: "us-east-1", Credentials: creds, Retryer: aws.NopRetryer{}})
	return i, s
}

var ctx = context.Background()

// wantCode fails unless err is an API error with the code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want API error %s", err, code)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("error code %s (%s), want %s", ae.ErrorCode(), ae.ErrorMessage(), code)
	}
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// user creates a user with an access key and returns clients signed as it.
func (e *env) user(name string) (*iam.Client, *sts.Client, string) {
	e.t.Helper()
	if _, err := e.IAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
		e.t.Fatal(err)
	}
	out, err := e.IAM.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		e.t.Fatal(err)
	}
	i, s := e.clients(*out.AccessKey.AccessKeyId, *out.AccessKey.SecretAccessKey)
	return i, s, *out.AccessKey.AccessKeyId
}

func newEnvBox(t testing.TB) *secret.Box {
	t.Helper()
	box, err := secret.New(make([]byte, secret.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return box
}
