package storetest

import (
	"path/filepath"
	"testing"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/secret"
	"github.com/fsxd/fsxd/store"
)

func v1Tokens(t *testing.T, tx *store.Tx) error {
	// The response and parameters are FSx wire shapes (fsxapi pins those).
	raw := func(contains string) func(*fsxd.Token) {
		return func(r *fsxd.Token) {
			wire(t, &r.Result, contains)
			wire(t, &r.Params, `"`)
		}
	}
	want(t, tx, store.Tokens, "CreateFileSystem/fixture-fs-token", &fsxd.Token{
		Op: "CreateFileSystem", Token: "fixture-fs-token", Resource: v1ZFS, Created: at("2026-12-05T10:11:36.863941633Z"),
		Hash: "baf6ab2c64612d3af969cb944c40c971cedad55049878a3f059c023e87674c30",
	}, raw(`"FileSystemId":"`+v1ZFS+`"`))
	want(t, tx, store.Tokens, "CreateVolume/fixture-vol-token", &fsxd.Token{
		Op: "CreateVolume", Token: "fixture-vol-token", Resource: v1ZFSVol, Created: at("2026-12-05T10:11:37.065716518Z"),
		Hash: "6fcae6789345091fa8f8c28eba2429ededf0ea6336353f7bd3c971254bfdf611",
	}, raw(`"VolumeId":"`+v1ZFSVol+`"`))
	want(t, tx, store.Tokens, "CreateAndAttachS3AccessPoint/fixture-ap-token", &fsxd.Token{
		Op: "CreateAndAttachS3AccessPoint", Token: "fixture-ap-token", Resource: "fixture-ap", Created: at("2026-12-05T10:11:37.863Z"),
		Hash: "74ab0de98529166f0ac164f5954419562fca10e20162b621a9c4ded68c881a30",
	}, raw(`"Alias":"fixture-ap-q9dg7er8cw-ext-s3alias"`))
	return wantKeys(t, tx, store.Tokens,
		"CreateAndAttachS3AccessPoint/3b273fc9-8191-4243-ad8c-cd7e43f3cd16",
		"CreateAndAttachS3AccessPoint/4b46e224-716f-492e-9ef8-a7b5cdb23d1a",
		"CreateAndAttachS3AccessPoint/a6d16944-d08a-4225-823f-63d6c4e7e9a2",
		"CreateAndAttachS3AccessPoint/fixture-ap-token",
		"CreateFileSystem/396983f2-820c-439e-9986-5c6bba468d6c",
		"CreateFileSystem/fixture-fs-token",
		"CreateStorageVirtualMachine/fba69bb1-e5f1-42c4-8f4d-81448b66b4d8",
		"CreateVolume/0771b160-dd4c-4828-8211-0a7de87cd7be",
		"CreateVolume/fixture-vol-token",
		"DetachAndDeleteS3AccessPoint/9cd3a091-e843-43ae-95e4-700782686dfe")
}

func v1IAM(t *testing.T, tx *store.Tx) error {
	created := at("2026-12-05T10:11:38Z")
	want(t, tx, store.IAMUsers, "alice", &store.IAMUser{
		Name: "Alice", Path: "/eng/", ID: "AIDALQLHFEYBMIB56T7MS", Created: created,
		Tags:     []store.IAMTag{{Key: "dept", Value: "storage"}},
		Policies: map[string]string{"fsx-read": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"fsx:Describe*","Resource":"*"}]}`},
		Groups:   []string{"Readers"}, Keys: []string{v1Key},
	}, nil)
	want(t, tx, store.IAMGroups, "readers", &store.IAMGroup{
		Name: "Readers", Path: "/", ID: "AGPA6L5PTUL4A7ECZL4TA", Created: created,
		Policies: map[string]string{"s3-read": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`},
	}, nil)
	want(t, tx, store.IAMKeys, v1Key, &store.IAMKey{
		ID: v1Key, User: "Alice", Status: "Active", Created: created,
		Sealed: "v1:8ce0e0cc:moMmd5HqHaUCC154UuZG5+SAqn8TDIuSRFxFQwvpmHqW8aDmIJOxFKq7uy6WAFBDMCcbcptupeS3Y4hyUvkmF93OYj8",
	}, nil)
	for _, err := range []error{
		wantKeys(t, tx, store.IAMUsers, "alice"),
		wantKeys(t, tx, store.IAMGroups, "readers"),
		wantKeys(t, tx, store.IAMKeys, v1Key),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

// Access key of the fixture's IAM user and the secret it was issued.
const (
	v1Key    = "AKIA2BLHOOWABO7X6KND"
	v1Secret = "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"
)

// CheckV1Secret opens the fixture key's sealed secret with the master key
// in dir (from CopyV1): version-1 sealed secrets keep opening.
func CheckV1Secret(t *testing.T, dir string, s *store.Store) {
	box, err := secret.LoadOrCreate(filepath.Join(dir, "master.key"))
	if err != nil {
		t.Fatal(err)
	}
	var k *store.IAMKey
	err = s.View(t.Context(), func(tx *store.Tx) error {
		k, err = store.IAMKeys.In(tx).Get(v1Key)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := box.Open(k.Sealed, k.ID); err != nil || got != v1Secret {
		t.Errorf("Open(sealed secret) = %q, %v; want %q", got, err, v1Secret)
	}
}
