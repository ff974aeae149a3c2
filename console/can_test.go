package console

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/authz"
	"github.com/fsxd/fsxd/policy"
)

// TestProber: a control is marked with the refused action and resource
// when the checker refuses its dry run, and left enabled when the dry run
// passes or the API fails before deciding.
func TestProber(t *testing.T) {
	c, err := authz.NewChecker(func(context.Context, *fsxd.Principal) ([]*policy.Document, error) { return nil, nil }, nil, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	bob := &fsxd.Principal{AccountID: "123456789012", ARN: "arn:aws:iam::123456789012:user/bob", UserName: "bob"}
	root := &fsxd.Principal{AccountID: "123456789012", ARN: "arn:aws:iam::123456789012:root", IsRoot: true}
	const vol = "arn:aws:fsx:us-east-1:123456789012:volume/fs-1/fsvol-1"
	check := func(p *fsxd.Principal) func(ctx context.Context) error {
		return func(ctx context.Context) error {
			return c.Check(ctx, authz.Request{Principal: p, Action: "fsx:DeleteVolume", Resource: vol, SourceIP: "127.0.0.1"})
		}
	}
	pr := newProber(context.Background())
	pr.ask("bob", check(bob))
	pr.ask("root", check(root))
	pr.ask("invalid", func(context.Context) error { return errors.New("ValidationException") })
	want := denials{"bob": "Denied: fsx:DeleteVolume on " + vol}
	if len(pr.out) != len(want) || pr.out["bob"] != want["bob"] {
		t.Fatalf("denials %v, want %v", pr.out, want)
	}
	if why := funcs["why"].(func(denials, ...any) string)(pr.out, "bob"); why != want["bob"] {
		t.Fatalf("why = %q", why)
	}
}

func TestPosixText(t *testing.T) {
	for _, c := range []struct {
		id   fsxd.PosixIdentity
		want string
	}{
		{fsxd.PosixIdentity{UID: 3001, GID: 3001}, "uid 3001, gid 3001"},
		{fsxd.PosixIdentity{UID: 0, GID: 0, Groups: []uint32{3100, 3200}}, "uid 0, gid 0, groups 3100 3200"},
	} {
		if got := posixText(c.id); got != c.want {
			t.Errorf("posixText(%+v) = %q, want %q", c.id, got, c.want)
		}
	}
}
