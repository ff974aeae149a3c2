package fsxapi

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/fsxd/fsxd/store"
	"github.com/fsxd/fsxd/store/sqlite"
	"github.com/fsxd/fsxd/store/storetest"
)

// TestStoredShapesV1 pins the encoding of the generated FSx shapes that
// records keep as they are: the Wire of file systems, SVMs and volumes,
// and the response and parameters of idempotency tokens. Regenerating the
// model must leave the version-1 fixture's shapes decoding with no unknown
// member and re-encoding with every member kept.
func TestStoredShapesV1(t *testing.T) {
	b, err := sqlite.Open(filepath.Join(storetest.CopyV1(t), "fsxd.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	err = store.New(b).View(context.Background(), func(tx *store.Tx) error {
		return storedShapes(t, tx)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func storedShapes(t *testing.T, tx *store.Tx) error {
	fss, _, err := fileSystems(tx).List("", 0, nil)
	for _, r := range fss {
		keeps[FileSystem](t, r.ID, r.Wire)
	}
	svms, _, err2 := svms(tx).List("", 0, nil)
	for _, r := range svms {
		keeps[StorageVirtualMachine](t, r.ID, r.Wire)
	}
	vols, _, err3 := volumes(tx).List("", 0, nil)
	for _, r := range vols {
		keeps[Volume](t, r.ID, r.Wire)
	}
	toks, _, err4 := store.Tokens.In(tx).List("", 0, nil)
	for _, r := range toks {
		c, ok := tokenShapes[r.Op]
		if !ok {
			t.Errorf("token %s: no shapes for %s", r.Token, r.Op)
			continue
		}
		c(t, r.Op+"/"+r.Token, r.Result, r.Params)
	}
	if len(fss) == 0 || len(svms) == 0 || len(vols) == 0 || len(toks) < len(tokenShapes) {
		t.Errorf("fixture has %d file systems, %d SVMs, %d volumes, %d tokens", len(fss), len(svms), len(vols), len(toks))
	}
	for _, e := range []error{err, err2, err3, err4} {
		if e != nil {
			return e
		}
	}
	return nil
}

func keeps[T any](t *testing.T, what string, raw json.RawMessage) {
	t.Helper()
	if len(raw) == 0 {
		t.Errorf("%s: no stored shape", what)
		return
	}
	if err := storetest.RoundTripJSON[T](raw); err != nil {
		t.Errorf("%s: %v", what, err)
	}
}

type shapeCheck func(t *testing.T, what string, result, params json.RawMessage)

func token[In, Out any]() shapeCheck {
	return func(t *testing.T, what string, result, params json.RawMessage) {
		keeps[Out](t, what+" result", result)
		keeps[In](t, what+" params", params)
	}
}

// tokenShapes: the operations whose tokens the fixture holds.
var tokenShapes = map[string]shapeCheck{
	"CreateFileSystem":             token[CreateFileSystemRequest, CreateFileSystemResponse](),
	"CreateStorageVirtualMachine":  token[CreateStorageVirtualMachineRequest, CreateStorageVirtualMachineResponse](),
	"CreateVolume":                 token[CreateVolumeRequest, CreateVolumeResponse](),
	"CreateAndAttachS3AccessPoint": token[CreateAndAttachS3AccessPointRequest, CreateAndAttachS3AccessPointResponse](),
	"DetachAndDeleteS3AccessPoint": token[DetachAndDeleteS3AccessPointRequest, DetachAndDeleteS3AccessPointResponse](),
}
