package iamapi

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/authz"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/policy"
)

func TestCallerIdentityRoot(t *testing.T) {
	e := newEnv(t)
	out := must[*sts.GetCallerIdentityOutput](t)(e.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}))
	if *out.Arn != "arn:aws:iam::"+testAccount+":root" || *out.UserId != testAccount || *out.Account != testAccount {
		t.Errorf("root identity = %s %s %s", *out.Arn, *out.UserId, *out.Account)
	}
}

func TestUnsignedRefused(t *testing.T) {
	e := newEnv(t)
	resp, err := http.Post(e.url, "application/x-www-form-urlencoded", strings.NewReader("Action=ListUsers&Version=2010-05-08"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode < 400 {
		t.Fatalf("unsigned request: %d", resp.StatusCode)
	}
}

func TestOperation(t *testing.T) {
	s := goldenService(t)
	for form, want := range map[string]string{
		"Action=CreateUser&Version=2010-05-08":        "CreateUser",
		"Action=GetCallerIdentity&Version=2011-06-15": "GetCallerIdentity",
		"Action=DropTables&Version=2010-05-08":        "",
	} {
		r := httptest.NewRequest("POST", "/", strings.NewReader(form))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		s.Serve(httptest.NewRecorder(), r)
		if got := s.Operation(r); got != want {
			t.Errorf("Operation after serving %s = %q, want %q", form, got, want)
		}
		g := httptest.NewRequest("GET", "/?"+form, nil)
		if got := s.Operation(g); got != want {
			t.Errorf("Operation of GET %s = %q, want %q", form, got, want)
		}
	}
}

func TestAuthorizeErrors(t *testing.T) {
	s := goldenService(t)
	serve := func(policies func(context.Context, *fsxd.Principal) ([]*policy.Document, error)) (int, string) {
		s.cfg.Checker = &authz.Checker{Identity: policies, Now: time.Now}
		// A user: the root user's requests never load policies.
		s.cfg.Authenticate = func(*http.Request) (*fsxd.Principal, error) {
			return &fsxd.Principal{AccountID: testAccount, ARN: "arn:aws:iam::" + testAccount + ":user/u", UserName: "u", UserID: "AIDAU"}, nil
		}
		r := httptest.NewRequest("POST", "/", strings.NewReader("Action=ListUsers&Version=2010-05-08"))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		s.Serve(w, r)
		return w.Code, w.Body.String()
	}
	code, body := serve(func(context.Context, *fsxd.Principal) ([]*policy.Document, error) { return nil, errors.New("db down") })
	if code != 500 || !strings.Contains(body, "<Type>Receiver</Type><Code>ServiceFailure</Code>") || strings.Contains(body, "db down") {
		t.Errorf("loader failure: %d %s", code, body)
	}
	code, body = serve(func(context.Context, *fsxd.Principal) ([]*policy.Document, error) {
		return nil, awserr.ServiceUnavailableJSON.Err("")
	})
	if code != 503 {
		t.Errorf("awserr passes through: %d %s", code, body)
	}
}
