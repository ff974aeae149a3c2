package identity

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/policy"
	"github.com/fsxd/fsxd/secret"
	"github.com/fsxd/fsxd/store"
)

// TestCacheNeverStaleAcrossRecords: writers change, each in its own
// goroutine, what alice may do through her group, through a managed
// policy attached to her, and her key's secret, while another writes
// records she does not depend on; readers check that once a write
// returned, no lookup that starts after it answers with what it replaced.
func TestCacheNeverStaleAcrossRecords(t *testing.T) {
	ctx := context.Background()
	d, _ := newTestDir(t)
	box, err := secret.New(make([]byte, secret.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	d.cfg.Secrets = box
	m := d.PolicyARN("/", "m")
	writers := map[string]func(*store.Tx, int64) error{
		"group": func(tx *store.Tx, i int64) error {
			return Groups(tx).Put("staff", &Group{Name: "staff", Path: "/", Policies: map[string]string{"p": allowDoc(fmt.Sprintf("s3:G%d", i))}})
		},
		"managed": func(tx *store.Tx, i int64) error { return putPolicyTx(tx, "m", allowDoc(fmt.Sprintf("s3:M%d", i))) },
		"key": func(tx *store.Tx, i int64) error {
			return AccessKeys(tx).Put("AKIAALICE", &AccessKey{ID: "AKIAALICE", User: "alice", Status: StatusActive,
				Sealed: box.Seal(fmt.Sprintf("s%d", i), "AKIAALICE")})
		},
		"noise": func(tx *store.Tx, i int64) error {
			return Users(tx).Put("bob", &User{Name: "bob", Path: "/", ID: "AIDABOB", Groups: []string{"other"},
				Policies: map[string]string{"p": allowDoc(fmt.Sprintf("s3:B%d", i))}})
		},
	}
	for _, w := range writers {
		if err := d.cfg.Store.Update(ctx, func(tx *store.Tx) error { return w(tx, 0) }); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.cfg.Store.Update(ctx, func(tx *store.Tx) error {
		return Users(tx).Put("alice", &User{Name: "alice", Path: "/", ID: "AIDAALICE", Groups: []string{"staff"}, ManagedPolicies: []string{m}})
	}); err != nil {
		t.Fatal(err)
	}
	alice := &fsxd.Principal{AccountID: "123456789012", ARN: d.UserARN("/", "alice"), UserName: "alice", UserID: "AIDAALICE"}
	floors := map[string]*atomic.Int64{}
	for name := range writers {
		floors[name] = new(atomic.Int64)
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 3 {
		wg.Go(func() { readUntil(t, d, alice, floors, stop) })
	}
	var writing sync.WaitGroup
	for name, w := range writers {
		writing.Go(func() {
			for i := int64(1); i <= versions; i++ {
				if err := d.cfg.Store.Update(ctx, func(tx *store.Tx) error { return w(tx, i) }); err != nil {
					t.Error(err)
					return
				}
				floors[name].Store(i)
			}
		})
	}
	writing.Wait()
	close(stop)
	wg.Wait()
}

// readUntil looks alice's policies and key up until stop, failing on an
// answer older than what a writer had committed before the lookup began.
func readUntil(t *testing.T, d *Directory, alice *fsxd.Principal, floors map[string]*atomic.Int64, stop chan struct{}) {
	ctx := context.Background()
	for {
		select {
		case <-stop:
			return
		default:
		}
		g, m, k := floors["group"].Load(), floors["managed"].Load(), floors["key"].Load()
		docs, err := d.IdentityPolicies(ctx, alice)
		if err != nil {
			t.Error(err)
			return
		}
		cred, err := d.LookupKey(ctx, "AKIAALICE")
		if err != nil {
			t.Error(err)
			return
		}
		kv, _ := strconv.ParseInt(strings.TrimPrefix(cred.Secret, "s"), 10, 64)
		for _, c := range []struct {
			what      string
			got, want int64
		}{{"group policy", versionIn(docs, "s3:G"), g}, {"managed policy", versionIn(docs, "s3:M"), m}, {"key", kv, k}} {
			if c.got < c.want {
				t.Errorf("%s: saw version %d after version %d was committed", c.what, c.got, c.want)
				return
			}
		}
	}
}

// versionIn is the i of the action prefix<i> docs allow, or -1.
func versionIn(docs []*policy.Document, prefix string) int64 {
	for i := int64(versions); i >= 0; i-- {
		if allows(docs, fmt.Sprintf("%s%d", prefix, i)) {
			return i
		}
	}
	return -1
}
