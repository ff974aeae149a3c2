package iamapi

import (
	"errors"
	"testing"

	"github.com/fsxd/fsxd/identity"
	"github.com/fsxd/fsxd/store"
)

// FuzzPolicyByARN: whatever string a client sends as PolicyArn, it
// resolves to the stored policy only if it is that policy's ARN, exactly
// (no other case, path, account or partition), and never panics.
func FuzzPolicyByARN(f *testing.F) {
	s := goldenService(f)
	const want = "arn:aws:iam::" + testAccount + ":policy/app/Read"
	err := s.dir.Store().Update(ctx, func(tx *store.Tx) error {
		return identity.Policies(tx).Insert(nameKey("Read"), &managedRec{Name: "Read", Path: "/app/", DefaultVersion: "v1",
			Versions: []identity.PolicyVersion{{ID: "v1", Document: docGet}}})
	})
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{want, "arn:aws:iam::" + testAccount + ":policy/Read", "arn:aws:iam::" + testAccount + ":policy/app/read",
		"arn:aws:iam::000000000000:policy/app/Read", "arn:aws-cn:iam::" + testAccount + ":policy/app/Read", want + "/", "", "/", "policy/app/Read"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, arn string) {
		err := s.dir.Store().View(ctx, func(tx *store.Tx) error {
			p, err := s.dir.PolicyByARN(tx, arn)
			switch {
			case arn == want && err != nil:
				t.Errorf("%q does not resolve: %v", arn, err)
			case arn != want && err == nil:
				t.Errorf("%q resolves to %s%s", arn, p.Path, p.Name)
			case err != nil && !errors.Is(err, store.ErrNotFound):
				t.Errorf("%q: %v", arn, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
