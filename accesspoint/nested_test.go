package accesspoint

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/store"
)

// nestedRoots names every volume of the same file system below a volume,
// in any lifecycle, OpenZFS children and ONTAP junctions alike, and
// nothing beside or above it.
func TestNestedRoots(t *testing.T) {
	e := newEnv(t)
	base := filepath.Join(e.dir, "fs", "fs-nested")
	vols := []fsxd.Volume{
		{ID: "fsvol-root", FileSystemID: "fs-nested", Dir: base + "/fsx", Lifecycle: fsxd.Available},
		{ID: "fsvol-child", FileSystemID: "fs-nested", Dir: base + "/fsx/child", Lifecycle: fsxd.Available},
		{ID: "fsvol-grand", FileSystemID: "fs-nested", Dir: base + "/fsx/child/grand", Lifecycle: fsxd.Available},
		{ID: "fsvol-new", FileSystemID: "fs-nested", Dir: base + "/fsx/new", Lifecycle: fsxd.Creating},
		{ID: "fsvol-junction", FileSystemID: "fs-nested", Dir: base + "/fsx/a/b", Lifecycle: fsxd.Created},
		{ID: "fsvol-prefix", FileSystemID: "fs-nested", Dir: base + "/fsx-like", Lifecycle: fsxd.Available},
		{ID: "fsvol-other", FileSystemID: "fs-elsewhere", Dir: base + "/fsx/other", Lifecycle: fsxd.Available},
		{ID: "fsvol-failed", FileSystemID: "fs-nested", Lifecycle: fsxd.Failed},
	}
	err := e.st.Update(context.Background(), func(tx *store.Tx) error {
		for i := range vols {
			if err := volumes(tx).Put(vols[i].ID, &vols[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		vol  int
		want []string
	}{
		{0, []string{"a/b", "child", "child/grand", "new"}},
		{1, []string{"grand"}},
		{2, nil},
		{5, nil},
	} {
		var got []string
		err := e.st.View(context.Background(), func(tx *store.Tx) error {
			var err error
			got, err = nestedRoots(tx, &vols[c.vol])
			return err
		})
		slices.Sort(got)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("nestedRoots(%s) = %q, %v; want %q", vols[c.vol].ID, got, err, c.want)
		}
	}
}

// An AVAILABLE access point whose volume root is not the recorded one
// refuses at once (503), before any health check, and the check then
// makes it MISCONFIGURED; a volume with no recorded identity (an older
// record) serves as before.
func TestReplacedRootRefusedBeforeHealthCheck(t *testing.T) {
	e := newEnv(t)
	e.mustCreate(openZFS("rid", volOZ, 1001, 2001, 7))
	e.settle()
	ctx := context.Background()
	setRootID := func(id string) {
		t.Helper()
		err := e.st.Update(ctx, func(tx *store.Tx) error {
			v, err := volumes(tx).Get(volOZ)
			if err != nil {
				return err
			}
			v.RootID = id
			return volumes(tx).Put(volOZ, v)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	r := e.svc.Resolver()
	setRootID("")
	if ap, err := r.ByName(ctx, "rid", testAccount); refusedWith(t, ap, err) != "" {
		t.Fatalf("no recorded identity: refused with %v %v", err, ap.Unusable)
	}
	setRootID("fh:1:00") // not this directory
	ap, err := r.ByName(ctx, "rid", testAccount)
	if got := refusedWith(t, ap, err); got != "ServiceUnavailable" {
		t.Fatalf("replaced root: refused with %q, want ServiceUnavailable", got)
	}
	e.health()
	if got, why := e.lifecycle("rid"); got != fsxd.Misconfigured || !contains(why, "was replaced") {
		t.Errorf("after the health check: %s (%s), want MISCONFIGURED, replaced", got, why)
	}
}
