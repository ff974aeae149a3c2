package fsxapi_test

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/accesspoint"
	"github.com/fsxd/fsxd/awsjson"
	"github.com/fsxd/fsxd/fsxapi"
	"github.com/fsxd/fsxd/store"
	"github.com/fsxd/fsxd/store/sqlite"
)

// TestEveryOperationHasATarget: every operation the FSx mux serves, this
// package's and accesspoint's as the server registers them, has its
// authorization entry (a Target method, targets.go). Without one,
// Authorize refuses the operation outright.
func TestEveryOperationHasATarget(t *testing.T) {
	dir := t.TempDir()
	b, err := sqlite.Open(filepath.Join(dir, "fsxd.db"))
	if err != nil {
		t.Fatal(err)
	}
	st := store.New(b)
	t.Cleanup(func() { st.Close() })
	m := awsjson.NewMux("AWSSimbaAPIService_v20180301")
	fsxapi.New(fsxapi.Config{Store: st, DataDir: dir}).Register(m)
	aps := accesspoint.New(accesspoint.Config{Store: st, DataDir: dir})
	aps.Register(m)
	t.Cleanup(func() { aps.Close() })
	ops := m.Operations()
	slices.Sort(ops)
	for _, op := range []string{fsxd.OpCreateVolume, fsxd.OpCreateAndAttachS3AccessPoint, fsxd.OpTagResource} {
		if !slices.Contains(ops, op) {
			t.Fatalf("the mux does not serve %s: %v", op, ops)
		}
	}
	for _, op := range ops {
		if _, ok := m.Input(op).(fsxapi.Targeted); !ok {
			t.Errorf("%s: %T says nothing about what it names; add its Target method to fsxapi/targets.go", op, m.Input(op))
		}
	}
}
