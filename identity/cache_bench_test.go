package identity

import (
	"context"
	"fmt"
	"testing"

	"github.com/fsxd/fsxd/store"
)

// BenchmarkPoliciesAfterUnrelatedWrite is a user's policy lookup (what
// every request of theirs makes) right after another user's policy was
// written: the write is outside the timer; reads/op counts the store
// reads the lookup made.
func BenchmarkPoliciesAfterUnrelatedWrite(b *testing.B) {
	ctx := context.Background()
	d, v := newTestDir(b)
	pols := map[string]string{}
	for i := range 8 {
		pols[fmt.Sprint(i)] = allowDoc(fmt.Sprintf("s3:Action%d", i))
	}
	alice := putUser(b, d, "alice", "AIDAALICE", pols)
	putUser(b, d, "bob", "AIDABOB", nil)
	if _, err := d.IdentityPolicies(ctx, alice); err != nil {
		b.Fatal(err)
	}
	reads := int64(0)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		err := d.cfg.Store.Update(ctx, func(tx *store.Tx) error {
			return Users(tx).Put("bob", &User{Name: "bob", Path: "/", ID: "AIDABOB",
				Policies: map[string]string{"p": allowDoc(fmt.Sprintf("s3:Other%d", i))}})
		})
		if err != nil {
			b.Fatal(err)
		}
		r0 := v.n.Load()
		b.StartTimer()
		if _, err := d.IdentityPolicies(ctx, alice); err != nil {
			b.Fatal(err)
		}
		reads += v.n.Load() - r0
	}
	b.ReportMetric(float64(reads)/float64(b.N), "reads/op")
}
