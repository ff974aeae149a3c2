package fsxapi

import (
	"context"
	"os"
	"testing"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/store"
	"github.com/fsxd/fsxd/volume"
)

func (e *testEnv) volume(id string) *fsxd.Volume {
	e.t.Helper()
	var v *fsxd.Volume
	err := e.st.View(context.Background(), func(tx *store.Tx) error {
		var err error
		v, err = volumes(tx).Get(id)
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return v
}

// A volume records its root's identity when it becomes AVAILABLE.
func TestVolumeRecordsRootID(t *testing.T) {
	e := newTestEnv(t)
	_, root := e.openZFS()
	e.settle()
	child := e.child(root, "child")
	e.settle()
	for _, id := range []string{root, child} {
		v := e.volume(id)
		want, err := volume.DirID(v.Dir)
		if err != nil {
			t.Fatal(err)
		}
		if v.Lifecycle != fsxd.Available || v.RootID != want {
			t.Errorf("%s: %s with RootID %q, want AVAILABLE with %q", id, v.Lifecycle, v.RootID, want)
		}
	}
}

// A volume recorded before fsxd kept root identities adopts the one its
// directory has, once; later replacements do not overwrite it.
func TestVolumeAdoptsRootIDOnce(t *testing.T) {
	e := newTestEnv(t)
	_, root := e.openZFS()
	e.settle()
	child := e.child(root, "child")
	e.settle()
	err := e.st.Update(context.Background(), func(tx *store.Tx) error {
		v, err := volumes(tx).Get(child)
		if err != nil {
			return err
		}
		v.RootID = "" // as written by an older fsxd
		return volumes(tx).Put(child, v)
	})
	if err != nil {
		t.Fatal(err)
	}
	dir := e.volume(child).Dir
	want, _ := volume.DirID(dir)
	e.settle()
	if got := e.volume(child).RootID; got != want {
		t.Fatalf("adopted RootID %q, want %q", got, want)
	}
	if err := os.Remove(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	e.settle()
	if got := e.volume(child).RootID; got != want {
		t.Fatalf("RootID %q after the directory was replaced, want the adopted %q kept", got, want)
	}
}
