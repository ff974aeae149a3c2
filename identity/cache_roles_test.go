package identity

import (
	"context"
	"testing"
	"time"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/secret"
	"github.com/fsxd/fsxd/store"
)

// TestCacheRoles: a role session's policies and credentials are read
// again after a write of its role (or, for the credentials, of the
// session), and not after another role's or session's.
func TestCacheRoles(t *testing.T) {
	ctx := context.Background()
	d, v := newTestDir(t)
	box, err := secret.New(make([]byte, secret.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	d.cfg.Secrets = box
	role := func(name, id string) func(*store.Tx) error {
		return func(tx *store.Tx) error {
			return Roles(tx).Put(NameKey(name), &Role{Name: name, Path: "/", ID: id, Policies: map[string]string{"p": allowDoc("s3:GetObject")}})
		}
	}
	session := func(id string) func(*store.Tx) error {
		return func(tx *store.Tx) error {
			return Sessions(tx).Put(id, &Session{ID: id, RoleName: "r", RoleID: "AROAR", SessionName: "s",
				Sealed: box.Seal("secret", id), Expires: time.Now().Add(time.Hour)})
		}
	}
	for _, w := range []func(*store.Tx) error{role("r", "AROAR"), role("q", "AROAQ"), session("ASIAONE"), session("ASIATWO")} {
		if err := d.cfg.Store.Update(ctx, w); err != nil {
			t.Fatal(err)
		}
	}
	p := &fsxd.Principal{ARN: d.AssumedRoleARN("r", "s"), RoleName: "r", UserID: "AROAR:s", Temporary: true}
	lookup := func() {
		t.Helper()
		if docs, err := d.IdentityPolicies(ctx, p); err != nil || len(docs) != 1 {
			t.Fatalf("role session's policies: %d, %v", len(docs), err)
		}
		if _, err := d.LookupKey(ctx, "ASIAONE"); err != nil {
			t.Fatal(err)
		}
	}
	lookup()
	tests := []struct {
		name  string
		write func(*store.Tx) error
		reads int64 // of the next policy and key lookups together
	}{
		{"another role", role("q", "AROAQ"), 0},
		{"another session", session("ASIATWO"), 0},
		{"the session", session("ASIAONE"), 1},
		{"the role", role("r", "AROAR"), 2},
	}
	for _, tc := range tests {
		if err := d.cfg.Store.Update(ctx, tc.write); err != nil {
			t.Fatal(err)
		}
		r0 := v.n.Load()
		lookup()
		if r := v.n.Load() - r0; r != tc.reads {
			t.Errorf("after writing %s: %d reads, want %d", tc.name, r, tc.reads)
		}
	}
}
