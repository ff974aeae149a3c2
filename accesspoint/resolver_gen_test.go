package accesspoint

import (
	"context"
	"testing"

	"github.com/fsxd/fsxd/s3api"
	"github.com/fsxd/fsxd/store"
)

// rewrite puts back the record kind/key holds, unchanged: a commit that
// wrote that record and nothing else.
func rewrite[T any](t *testing.T, e *env, k store.Kind[T], key string) {
	t.Helper()
	err := e.st.Update(context.Background(), func(tx *store.Tx) error {
		v, err := k.In(tx).Get(key)
		if err != nil {
			return err
		}
		return k.In(tx).Put(key, v)
	})
	if err != nil {
		t.Fatalf("rewrite %s/%s: %v", k.Name, key, err)
	}
}

// TestResolverKeepsAcrossUnrelatedWrites: a cached access point is
// rebuilt after a write of a record it is built from, and kept (the same
// value, no store read, no reopen) after a write of any other kind.
func TestResolverKeepsAcrossUnrelatedWrites(t *testing.T) {
	e := newEnv(t)
	e.mustCreate(openZFS("gen", volOZ, 1001, 2001))
	e.settle()
	r := e.svc.Resolver()
	get := func() *s3api.AccessPoint {
		t.Helper()
		ap, err := r.ByName(context.Background(), "gen", testAccount)
		if err != nil || ap.Unusable != nil {
			t.Fatalf("ByName: %+v, %v", ap, err)
		}
		return ap
	}
	alias := get().Alias
	for _, tc := range []struct {
		name    string
		write   func()
		rebuilt bool
	}{
		{"IAM user", func() {
			if err := e.st.Update(context.Background(), func(tx *store.Tx) error {
				return store.IAMUsers.In(tx).Put("someone", &store.IAMUser{Name: "someone"})
			}); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"commit that wrote nothing", func() {
			if err := e.st.Update(context.Background(), func(*store.Tx) error { return nil }); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"attachment", func() { rewrite(t, e, store.Attachments, "gen") }, true},
		{"alias", func() { rewrite(t, e, store.Aliases, alias) }, true},
		{"volume", func() { rewrite(t, e, store.Volumes, volOZ) }, true},
		{"file system", func() { rewrite(t, e, store.FileSystems, fsHA) }, true},
	} {
		before := get()
		tc.write()
		after := get()
		if rebuilt := after != before; rebuilt != tc.rebuilt {
			t.Errorf("after a write of %s: rebuilt %v, want %v", tc.name, rebuilt, tc.rebuilt)
		}
	}
}
