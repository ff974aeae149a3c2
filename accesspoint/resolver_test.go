package accesspoint

import (
	"context"
	"errors"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/s3api"
)

// refusedWith reports the S3 error code (and status) ap refuses with, "" if
// it serves.
func refusedWith(t *testing.T, ap *s3api.AccessPoint, err error) string {
	t.Helper()
	if err == nil {
		err = ap.Unusable
	}
	if err == nil {
		return ""
	}
	var e *awserr.Error
	if !errors.As(err, &e) {
		t.Fatalf("not an awserr: %v", err)
	}
	return e.Code
}

func TestResolverLookups(t *testing.T) {
	e := newEnv(t)
	e.mustCreate(openZFS("dpl", volOZ, 1001, 2001, 7))
	e.settle()
	r := e.svc.Resolver()
	ctx := context.Background()
	byAlias, err := r.ByAlias(ctx, "dpl-0000000001-ext-s3alias")
	if err != nil || byAlias.Unusable != nil {
		t.Fatalf("ByAlias: %+v, %v", byAlias, err)
	}
	want := fsxd.PosixIdentity{UID: 1001, GID: 2001, Groups: []uint32{7}}
	if byAlias.Name != "dpl" || byAlias.ARN != "arn:aws:s3:us-east-1:123456789012:accesspoint/dpl" || byAlias.AccountID != testAccount ||
		byAlias.Type != fsxd.TypeOpenZFS || !reflect.DeepEqual(byAlias.Identity, want) {
		t.Errorf("ByAlias = %+v", byAlias)
	}
	if byAlias.Root == nil || byAlias.Root.Dir() != e.volDir(fsHA, volOZ) || byAlias.Uploads == nil {
		t.Errorf("Root/Uploads = %v, %v", byAlias.Root, byAlias.Uploads)
	}
	if _, err := os.Stat(e.dir + "/fs/" + fsHA + "/.fsxd-staging/uploads"); err != nil {
		t.Errorf("staging dir: %v", err)
	}
	byName, err := r.ByName(ctx, "dpl", testAccount)
	if err != nil || byName.Root != byAlias.Root {
		t.Errorf("ByName: %+v, %v (want the same root)", byName, err)
	}
	for _, tt := range []struct {
		name string
		call func() (*s3api.AccessPoint, error)
	}{
		{"unknown alias", func() (*s3api.AccessPoint, error) { return r.ByAlias(ctx, "nope-0000000001-ext-s3alias") }},
		{"unknown name", func() (*s3api.AccessPoint, error) { return r.ByName(ctx, "nope", testAccount) }},
		{"other account", func() (*s3api.AccessPoint, error) { return r.ByName(ctx, "dpl", "210987654321") }},
	} {
		ap, err := tt.call()
		if got := refusedWith(t, ap, err); got != "NoSuchBucket" {
			t.Errorf("%s: %s", tt.name, got)
		}
	}
}

// TestResolverLifecycle: only AVAILABLE serves; the refusal follows the
// store at once (the cache is keyed by the generation of the kinds it
// is built from).
func TestResolverLifecycle(t *testing.T) {
	e := newEnv(t)
	r := e.svc.Resolver()
	ctx := context.Background()
	lookup := func() string {
		t.Helper()
		ap, err := r.ByName(ctx, "life", testAccount)
		return refusedWith(t, ap, err)
	}
	e.svmFile(`{"Users":[{"Name":"dave","Uid":1,"Gid":1}]}`)
	e.mustCreate(ontap("life", volUnix, "UNIX", "dave"))
	if got := lookup(); got != "ServiceUnavailable" {
		t.Errorf("CREATING: %s", got)
	}
	e.settle()
	if got := lookup(); got != "" {
		t.Errorf("AVAILABLE: %s", got)
	}
	e.svmFile(`{}`)
	e.health()
	if got := lookup(); got != "ServiceUnavailable" {
		t.Errorf("MISCONFIGURED: %s", got)
	}
	e.svmFile(`{"Users":[{"Name":"dave","Uid":1,"Gid":1}]}`)
	e.health()
	if got := lookup(); got != "" {
		t.Errorf("AVAILABLE again: %s", got)
	}
	e.detach("life", "")
	if got := lookup(); got != "NoSuchBucket" {
		t.Errorf("DELETING: %s", got)
	}
	e.settle()
	if got := lookup(); got != "NoSuchBucket" {
		t.Errorf("gone: %s", got)
	}
	e.mustCreate(ontap("life", volUnix, "UNIX", "nobody-here"))
	e.settle()
	if got := lookup(); got != "NoSuchBucket" {
		t.Errorf("FAILED: %s", got)
	}
}

// TestResolverCheckOnUse: a volume root removed under a cached access
// point refuses the next request and starts a health check that turns the
// attachment MISCONFIGURED; restoring the directory brings it back, on a
// freshly opened root.
func TestResolverCheckOnUse(t *testing.T) {
	e := newEnv(t)
	e.mustCreate(openZFS("onuse", volOZ, 1, 1))
	e.settle()
	r := e.svc.Resolver()
	ctx := context.Background()
	ap, err := r.ByName(ctx, "onuse", testAccount)
	if err != nil || ap.Unusable != nil {
		t.Fatal(ap, err)
	}
	old := ap.Root
	dir := e.volDir(fsHA, volOZ)
	os.RemoveAll(dir)
	ap, err = r.ByName(ctx, "onuse", testAccount)
	if got := refusedWith(t, ap, err); got != "ServiceUnavailable" {
		t.Fatalf("after removal: %s", got)
	}
	waitFor(t, func() bool { l, _ := e.lifecycle("onuse"); return l == fsxd.Misconfigured })
	os.Mkdir(dir, 0o755)
	e.health()
	e.wantLifecycle("onuse", fsxd.Available)
	ap, err = r.ByName(ctx, "onuse", testAccount)
	if got := refusedWith(t, ap, err); got != "" || ap.Root == old || ap.Root.Check() != nil {
		t.Fatalf("after restore: %s, root reopened: %v", got, ap.Root != old)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not met in 5s")
}
