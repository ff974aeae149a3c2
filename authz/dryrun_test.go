package authz

import (
	"context"
	"errors"
	"testing"
)

// TestDryRun: a dry run decides as Check does, answers an allowed request
// with ErrDryRun (never nil: the front end must not go on) and
// records the first refusal with its action and resource.
func TestDryRun(t *testing.T) {
	c := newTestChecker(t)
	data := ap(t, "data", "")
	read := Request{Principal: user("alice"), Action: "s3:GetObject", Resource: obj("data", "a"), AccessPoint: data, SourceIP: "127.0.0.1"}
	del := read
	del.Action = "s3:DeleteObject"
	cases := []struct {
		name       string
		check      func(ctx context.Context) error
		wantDryRun bool
		denied     string // the recorded action, "" for none
	}{
		{"allowed", func(ctx context.Context) error { return c.Check(ctx, read) }, true, ""},
		{"denied", func(ctx context.Context) error { return c.Check(ctx, del) }, false, "s3:DeleteObject"},
		{"all allowed", func(ctx context.Context) error {
			return c.CheckAll(ctx, read, []Need{{Action: read.Action, Resource: read.Resource}, {Action: "s3:ListBucket", Resource: apArn + "data"}})
		}, true, ""},
		{"second need denied", func(ctx context.Context) error {
			return c.CheckAll(ctx, read, []Need{{Action: read.Action, Resource: read.Resource}, {Action: del.Action, Resource: del.Resource}})
		}, false, "s3:DeleteObject"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.check(context.Background()); (err == nil) != (tc.denied == "") {
				t.Fatalf("without a dry run: %v", err)
			}
			var d DryRun
			err := tc.check(WithDryRun(context.Background(), &d))
			if got := errors.Is(err, ErrDryRun); got != tc.wantDryRun {
				t.Fatalf("err = %v, ErrDryRun %v, want %v", err, got, tc.wantDryRun)
			}
			if tc.denied == "" {
				if d.Denied != nil {
					t.Fatalf("recorded a refusal of an allowed request: %+v", d.Denied)
				}
				return
			}
			if !errors.Is(err, ErrDenied) || d.Denied == nil || d.Denied.Action != tc.denied || d.Denied.Resource != del.Resource {
				t.Fatalf("err = %v, recorded %+v; want a refusal of %s on %s", err, d.Denied, tc.denied, del.Resource)
			}
		})
	}
	if IsDryRun(context.Background()) || !IsDryRun(WithDryRun(context.Background(), &DryRun{})) {
		t.Fatal("IsDryRun does not tell the marker")
	}
}
