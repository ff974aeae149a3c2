package identity

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/policy"
	"github.com/fsxd/fsxd/store"
	"github.com/fsxd/fsxd/store/sqlite"
)

// views counts the read transactions a backend runs: how many times the
// identity cache went to the store.
type views struct {
	store.Backend
	n atomic.Int64
}

func (v *views) View(ctx context.Context, fn func(store.Raw) error) error {
	v.n.Add(1)
	return v.Backend.View(ctx, fn)
}

func newTestDir(t testing.TB) (*Directory, *views) {
	t.Helper()
	b, err := sqlite.Open(filepath.Join(t.TempDir(), "fsxd.db"))
	if err != nil {
		t.Fatal(err)
	}
	v := &views{Backend: b}
	st := store.New(v)
	t.Cleanup(func() { st.Close() })
	return New(Config{Store: st, Account: fsxd.Account{Partition: "aws", Region: "us-east-1", ID: "123456789012"}}), v
}

func allowDoc(action string) string {
	return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":%q,"Resource":"*"}]}`, action)
}

func putUser(t testing.TB, d *Directory, name, id string, policies map[string]string) *fsxd.Principal {
	t.Helper()
	err := d.cfg.Store.Update(context.Background(), func(tx *store.Tx) error {
		return Users(tx).Put(NameKey(name), &User{Name: name, Path: "/", ID: id, Policies: policies})
	})
	if err != nil {
		t.Fatal(err)
	}
	return &fsxd.Principal{AccountID: "123456789012", ARN: d.UserARN("/", name), UserName: name, UserID: id}
}

func allows(docs []*policy.Document, action string) bool {
	return policy.Evaluate(policy.Request{Action: action, Resource: "arn:aws:s3:::b"}, docs, nil) == policy.Allow
}

// TestCacheKinds: writes of other kinds, and of IAM records a user's
// policies were not read from, keep them cached; a write of one of those
// records (its own, a group it is in, a managed policy attached to it or
// to its group) makes the next lookup read the store again but not parse
// again what did not change; a changed policy is seen at once.
func TestCacheKinds(t *testing.T) {
	ctx := context.Background()
	d, v := newTestDir(t)
	m := d.PolicyARN("/", "m")
	putPolicy(t, d, "m", allowDoc("s3:ListBucket"))
	putGroup(t, d, &Group{Name: "staff", Path: "/", ManagedPolicies: []string{m}, Policies: map[string]string{"g": allowDoc("s3:GetObjectTagging")}})
	alice := putUser(t, d, "alice", "AIDAALICE", map[string]string{"a": allowDoc("s3:GetObject"), "b": allowDoc("s3:PutObject")})
	join(t, d, "alice", "staff")
	carol := putUser(t, d, "carol", "AIDACAROL", map[string]string{"c": allowDoc("s3:GetObject")})
	lookup := func(p *fsxd.Principal) []*policy.Document {
		t.Helper()
		docs, err := d.IdentityPolicies(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		return docs
	}
	if first := lookup(alice); len(first) != 4 || d.parsed.parses != 4 {
		t.Fatalf("first lookup: %d documents, %d parses; want 4, 4", len(first), d.parsed.parses)
	}
	lookup(carol)
	tests := []struct {
		name               string
		write              func(*store.Tx) error
		aliceReads, parses int64 // of alice's next lookup
		carolReads         int64
	}{
		{"volume", func(tx *store.Tx) error { return store.Volumes.In(tx).Put("fsvol-1", &fsxd.Volume{}) }, 0, 0, 0},
		{"access point", func(tx *store.Tx) error { return store.Attachments.In(tx).Put("ap", &fsxd.Attachment{}) }, 0, 0, 0},
		{"snapshot", func(tx *store.Tx) error { return store.Snapshots.In(tx).Put("fsvolsnap-1", &fsxd.Snapshot{}) }, 0, 0, 0},
		{"another user", func(tx *store.Tx) error {
			return Users(tx).Put("bob", &User{Name: "bob", ID: "AIDABOB", Policies: map[string]string{"x": allowDoc("s3:*")}})
		}, 0, 0, 0},
		{"another user's key", func(tx *store.Tx) error { return AccessKeys(tx).Put("AKIABOB", &AccessKey{ID: "AKIABOB", User: "bob"}) }, 0, 0, 0},
		{"a group nobody is in", func(tx *store.Tx) error { return Groups(tx).Put("g", &Group{Name: "g"}) }, 0, 0, 0},
		{"a managed policy not attached", func(tx *store.Tx) error { return Policies(tx).Put("n", &ManagedPolicy{Name: "n"}) }, 0, 0, 0},
		{"a role", func(tx *store.Tx) error { return Roles(tx).Put("r", &Role{Name: "r"}) }, 0, 0, 0},
		{"alice's group", func(tx *store.Tx) error {
			return Groups(tx).Put("staff", &Group{Name: "staff", Path: "/", ManagedPolicies: []string{m},
				Policies: map[string]string{"g": allowDoc("s3:GetObjectTagging")}})
		}, 1, 0, 0},
		{"the managed policy of alice's group", func(tx *store.Tx) error { return putPolicyTx(tx, "m", allowDoc("s3:ListBucket")) }, 1, 0, 0},
		{"carol", func(tx *store.Tx) error {
			return Users(tx).Put("carol", &User{Name: "carol", Path: "/", ID: "AIDACAROL", Policies: map[string]string{"c": allowDoc("s3:GetObject")}})
		}, 0, 0, 1},
		{"alice's policy", func(tx *store.Tx) error {
			return Users(tx).Put("alice", &User{Name: "alice", Path: "/", ID: "AIDAALICE", Groups: []string{"staff"},
				Policies: map[string]string{"a": allowDoc("s3:GetObject"), "b": allowDoc("s3:DeleteObject")}})
		}, 1, 1, 0},
	}
	for _, tc := range tests {
		if err := d.cfg.Store.Update(ctx, tc.write); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		reads0, parses0 := v.n.Load(), d.parsed.parses
		lookup(alice)
		if r, p := v.n.Load()-reads0, int64(d.parsed.parses-parses0); r != tc.aliceReads || p != tc.parses {
			t.Errorf("after writing %s: alice's lookup made %d reads, %d parses; want %d, %d", tc.name, r, p, tc.aliceReads, tc.parses)
		}
		reads0 = v.n.Load()
		lookup(carol)
		if r := v.n.Load() - reads0; r != tc.carolReads {
			t.Errorf("after writing %s: carol's lookup made %d reads; want %d", tc.name, r, tc.carolReads)
		}
	}
	if docs := lookup(alice); !allows(docs, "s3:DeleteObject") || allows(docs, "s3:PutObject") {
		t.Error("after alice's policy changed, lookup still answers with the old one")
	}
}

func putGroup(t testing.TB, d *Directory, g *Group) {
	t.Helper()
	if err := d.cfg.Store.Update(context.Background(), func(tx *store.Tx) error { return Groups(tx).Put(NameKey(g.Name), g) }); err != nil {
		t.Fatal(err)
	}
}

// join adds user to group, as AddUserToGroup does: in the user's record.
func join(t testing.TB, d *Directory, user, group string) {
	t.Helper()
	err := d.cfg.Store.Update(context.Background(), func(tx *store.Tx) error {
		u, err := Users(tx).Get(NameKey(user))
		if err != nil {
			return err
		}
		u.Groups = append(u.Groups, group)
		return Users(tx).Put(NameKey(user), u)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func putPolicy(t testing.TB, d *Directory, name, doc string) {
	t.Helper()
	if err := d.cfg.Store.Update(context.Background(), func(tx *store.Tx) error { return putPolicyTx(tx, name, doc) }); err != nil {
		t.Fatal(err)
	}
}

// putPolicyTx stores managed policy name under "/" with doc as its one,
// default, version.
func putPolicyTx(tx *store.Tx, name, doc string) error {
	return Policies(tx).Put(NameKey(name), &ManagedPolicy{Name: name, Path: "/", DefaultVersion: "v1",
		Versions: []PolicyVersion{{ID: "v1", Document: doc}}})
}

// TestCacheNeverStale: readers race a writer that changes alice's policy
// (and writes other kinds in between); once an Update returns, every
// lookup that starts after it sees that version or a later one.
func TestCacheNeverStale(t *testing.T) {
	ctx := context.Background()
	d, _ := newTestDir(t)
	alice := putUser(t, d, "alice", "AIDAALICE", map[string]string{"p": allowDoc("s3:Action0")})
	var committed atomic.Int64 // the last version whose Update returned
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				floor := committed.Load()
				docs, err := d.IdentityPolicies(ctx, alice)
				if err != nil {
					t.Error(err)
					return
				}
				if v := versionOf(t, docs); v < floor {
					t.Errorf("saw version %d after version %d was committed", v, floor)
					return
				}
			}
		})
	}
	for i := int64(1); i <= versions; i++ {
		err := d.cfg.Store.Update(ctx, func(tx *store.Tx) error {
			return Users(tx).Put("alice", &User{Name: "alice", Path: "/", ID: "AIDAALICE",
				Policies: map[string]string{"p": allowDoc(fmt.Sprintf("s3:Action%d", i))}})
		})
		if err == nil {
			err = d.cfg.Store.Update(ctx, func(tx *store.Tx) error {
				return store.Volumes.In(tx).Put("fsvol-1", &fsxd.Volume{})
			})
		}
		if err != nil {
			t.Fatal(err)
		}
		committed.Store(i)
	}
	close(stop)
	wg.Wait()
}

// versionOf reads i back from the one document's action s3:Action<i>.
func versionOf(t *testing.T, docs []*policy.Document) int64 {
	for i := int64(0); i <= versions; i++ {
		if allows(docs, fmt.Sprintf("s3:Action%d", i)) {
			return i
		}
	}
	t.Errorf("no version in %d documents", len(docs))
	return -1
}

const versions = 30
