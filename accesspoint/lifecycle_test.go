package accesspoint

import (
	"context"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx/types"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/store"
)

// TestReconcileCreate: CREATING lasts LifecycleDelay, then the identity
// decides AVAILABLE (with the resolved identity stored) or FAILED.
func TestReconcileCreate(t *testing.T) {
	e := newEnv(t)
	e.svmFile(`{"Users":[{"Name":"dave","Uid":5001,"Gid":6001}],
		"Groups":[{"Name":"g","Gid":7001,"Members":["dave"]}],
		"NameMappings":[{"Pattern":"CORP\\\\(.+)","Replacement":"\\1"}],
		"DefaultUnixUser":""}`)
	tests := []struct {
		name   string
		create func(name string)
		want   string
		id     *fsxd.PosixIdentity
		reason string
	}{
		{"posix", func(n string) { e.mustCreate(openZFS(n, volOZ, 1001, 2001, 3)) }, fsxd.Available, &fsxd.PosixIdentity{UID: 1001, GID: 2001, Groups: []uint32{3}}, ""},
		{"svm-user", func(n string) { e.mustCreate(ontap(n, volUnix, "UNIX", "dave")) }, fsxd.Available, &fsxd.PosixIdentity{UID: 5001, GID: 6001, Groups: []uint32{7001}}, ""},
		{"host-user", func(n string) { e.mustCreate(ontap(n, volMixed, "UNIX", "alice")) }, fsxd.Available, &fsxd.PosixIdentity{UID: 1001, GID: 2001, Groups: []uint32{3001}}, ""},
		{"unknown-user", func(n string) { e.mustCreate(ontap(n, volUnix, "UNIX", "mallory")) }, fsxd.Failed, nil, "UNIX user mallory not found in the name service of " + svmID},
		{"win-mapped", func(n string) { e.mustCreate(ontap(n, volNTFS, "WINDOWS", `CORP\dave`)) }, fsxd.Available, &fsxd.PosixIdentity{UID: 5001, GID: 6001, Groups: []uint32{7001}}, ""},
		{"win-implicit", func(n string) { e.mustCreate(ontap(n, volNTFS, "WINDOWS", "alice")) }, fsxd.Available, &fsxd.PosixIdentity{UID: 1001, GID: 2001, Groups: []uint32{3001}}, ""},
		{"win-other-domain", func(n string) { e.mustCreate(ontap(n, volNTFS, "WINDOWS", `OTHER\alice`)) }, fsxd.Failed, nil, `Windows user OTHER\alice has a domain`},
		{"win-unmapped", func(n string) { e.mustCreate(ontap(n, volNTFS, "WINDOWS", "stranger")) }, fsxd.Failed, nil, "Windows user stranger is not mapped"},
	}
	for _, tt := range tests {
		tt.create(tt.name)
	}
	e.clock.Advance(e.cfg.LifecycleDelay - time.Millisecond)
	if err := e.svc.Reconcile(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		e.wantLifecycle(tt.name, fsxd.Creating)
	}
	e.settle()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			why := e.wantLifecycle(tt.name, tt.want)
			if !strings.Contains(why, tt.reason) || (tt.reason == "") != (why == "") {
				t.Errorf("reason %q, want %q", why, tt.reason)
			}
			a, _ := e.svc.get(context.Background(), tt.name)
			if !reflect.DeepEqual(a.Resolved, tt.id) {
				t.Errorf("Resolved = %+v, want %+v", a.Resolved, tt.id)
			}
		})
	}
}

func TestReconcileMissingVolumeDir(t *testing.T) {
	e := newEnv(t)
	e.mustCreate(openZFS("nodir", volOZ, 1, 1))
	os.RemoveAll(e.volDir(fsHA, volOZ))
	e.settle()
	if why := e.wantLifecycle("nodir", fsxd.Failed); !strings.Contains(why, volOZ) || strings.Contains(why, e.dir) {
		t.Errorf("reason %q: want the volume named and no server path", why)
	}
}

// TestReconcileTransientError: an unreadable name-service file leaves the
// attachment CREATING until it can be read.
func TestReconcileTransientError(t *testing.T) {
	e := newEnv(t)
	e.svmFile(`{"Users": [`)
	e.mustCreate(ontap("wait", volUnix, "UNIX", "alice"))
	e.clock.Advance(e.cfg.LifecycleDelay)
	if err := e.svc.Reconcile(context.Background()); err == nil {
		t.Fatal("want the name-service error reported")
	}
	e.wantLifecycle("wait", fsxd.Creating)
	e.svmFile(`{}`)
	e.settle()
	e.wantLifecycle("wait", fsxd.Available)
}

func TestDetach(t *testing.T) {
	e := newEnv(t)
	e.mustCreate(openZFS("gone", volOZ, 1, 1))
	e.settle()
	out, err := e.tryDetach("gone", "tok")
	if err != nil || out.Lifecycle != types.S3AccessPointAttachmentLifecycleDeleting || aws.ToString(out.Name) != "gone" {
		t.Fatalf("detach = %+v, %v", out, err)
	}
	e.wantLifecycle("gone", fsxd.Deleting)
	if _, err := e.tryDetach("gone", ""); err != nil {
		t.Errorf("detach while DELETING: %v", err)
	}
	e.clock.Advance(e.cfg.LifecycleDelay / 2)
	e.svc.Reconcile(context.Background())
	e.wantLifecycle("gone", fsxd.Deleting)
	e.settle()
	e.wantLifecycle("gone", "gone")
	if _, err := e.tryDetach("gone", "tok"); err != nil {
		t.Errorf("replay after removal: %v", err)
	}
	if _, err := e.tryDetach("gone", "tok2"); errorCode(err) != "S3AccessPointAttachmentNotFound" {
		t.Errorf("detach of a removed attachment: %v", err)
	}
	if _, err := e.tryDetach("never", ""); errorCode(err) != "S3AccessPointAttachmentNotFound" {
		t.Errorf("detach of an unknown attachment: %v", err)
	}
	if _, err := e.tryDetach("other", "tok"); errorCode(err) != "IncompatibleParameterError" {
		t.Errorf("token reuse: %v", err)
	}
	// The alias record went with the attachment.
	e.st.View(context.Background(), func(tx *store.Tx) error {
		if _, err := aliases(tx).Get("gone-0000000001-ext-s3alias"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("alias record left behind: %v", err)
		}
		return nil
	})
}

func TestDetachWhileCreating(t *testing.T) {
	e := newEnv(t)
	e.mustCreate(openZFS("quick", volOZ, 1, 1))
	e.detach("quick", "")
	e.settle()
	e.wantLifecycle("quick", "gone")
}

// TestRestart: a new Service over the same store finishes what the old
// one started, CREATING and DELETING alike, after the remaining delay.
func TestRestart(t *testing.T) {
	e := newEnv(t)
	e.mustCreate(openZFS("mid-create", volOZ, 1, 1))
	e.mustCreate(openZFS("mid-delete", volOZ, 1, 1))
	e.settle()
	e.mustCreate(openZFS("mid-create2", volOZ, 1, 1))
	e.detach("mid-delete", "")
	e.clock.Advance(e.cfg.LifecycleDelay / 2)
	e.start() // restart
	e.svc.Reconcile(context.Background())
	e.wantLifecycle("mid-create2", fsxd.Creating)
	e.wantLifecycle("mid-delete", fsxd.Deleting)
	e.clock.Advance(e.cfg.LifecycleDelay / 2)
	if err := e.svc.Reconcile(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.wantLifecycle("mid-create", fsxd.Available)
	e.wantLifecycle("mid-create2", fsxd.Available)
	e.wantLifecycle("mid-delete", "gone")
}

// TestReconcileConcurrent: several services (nodes) reconciling the same
// store move each attachment exactly once.
func TestReconcileConcurrent(t *testing.T) {
	e := newEnv(t)
	for _, n := range []string{"cc1", "cc2", "cc3", "cc4"} {
		e.mustCreate(openZFS(n, volOZ, 1, 1))
	}
	e.detach("cc4", "")
	e.clock.Advance(e.cfg.LifecycleDelay)
	nodes := []*Service{e.svc, New(e.cfg), New(e.cfg)}
	done := make(chan error)
	for _, n := range nodes {
		go func() { done <- n.Reconcile(context.Background()) }()
	}
	for range nodes {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
	for _, n := range []string{"cc1", "cc2", "cc3"} {
		e.wantLifecycle(n, fsxd.Available)
	}
	e.wantLifecycle("cc4", "gone")
}

// TestMisconfigured: the volume directory or the identity going away turns
// an attachment MISCONFIGURED with a reason; restoring it brings it back.
func TestMisconfigured(t *testing.T) {
	e := newEnv(t)
	e.svmFile(`{"Users":[{"Name":"dave","Uid":5001,"Gid":6001}]}`)
	e.mustCreate(openZFS("vol", volOZ, 1, 1))
	e.mustCreate(ontap("user", volUnix, "UNIX", "dave"))
	e.settle()
	e.health()
	e.wantLifecycle("vol", fsxd.Available)
	e.wantLifecycle("user", fsxd.Available)

	dir := e.volDir(fsHA, volOZ)
	os.RemoveAll(dir)
	e.health()
	if why := e.wantLifecycle("vol", fsxd.Misconfigured); !strings.Contains(why, volOZ) {
		t.Errorf("reason %q", why)
	}
	os.Mkdir(dir, 0o755)
	e.health()
	e.wantLifecycle("vol", fsxd.Available)

	e.svmFile(`{"Users":[]}`)
	e.health()
	if why := e.wantLifecycle("user", fsxd.Misconfigured); why != "UNIX user dave not found in the name service of "+svmID {
		t.Errorf("reason %q", why)
	}
	e.svmFile(`{"Users":[{"Name":"dave","Uid":5002,"Gid":6001}]}`)
	e.health()
	e.wantLifecycle("user", fsxd.Available)
	a, _ := e.svc.get(context.Background(), "user")
	if a.Resolved.UID != 5002 {
		t.Errorf("identity not refreshed: %+v", a.Resolved)
	}
	// A UID change alone refreshes an AVAILABLE attachment too.
	e.svmFile(`{"Users":[{"Name":"dave","Uid":5003,"Gid":6001}]}`)
	e.health()
	a, _ = e.svc.get(context.Background(), "user")
	if a.Lifecycle != fsxd.Available || a.Resolved.UID != 5003 {
		t.Errorf("after UID change: %+v", a)
	}
}

func TestMisconfiguredJunctionPath(t *testing.T) {
	e := newEnv(t)
	e.mustCreate(ontap("jpx", volUnix, "UNIX", "alice"))
	e.settle()
	setJunction := func(jp string) {
		e.st.Update(context.Background(), func(tx *store.Tx) error {
			v, _ := volumes(tx).Get(volUnix)
			v.JunctionPath = jp
			return volumes(tx).Put(volUnix, v)
		})
	}
	setJunction("")
	e.health()
	if why := e.wantLifecycle("jpx", fsxd.Misconfigured); !strings.Contains(why, "junction path") {
		t.Errorf("reason %q", why)
	}
	setJunction("/unix")
	e.health()
	e.wantLifecycle("jpx", fsxd.Available)
}

// TestFailedIsTerminal: the health check never revives a FAILED attachment.
func TestFailedIsTerminal(t *testing.T) {
	e := newEnv(t)
	e.mustCreate(ontap("late", volUnix, "UNIX", "latecomer"))
	e.settle()
	e.wantLifecycle("late", fsxd.Failed)
	e.svmFile(`{"Users":[{"Name":"latecomer","Uid":1,"Gid":1}]}`)
	e.health()
	e.wantLifecycle("late", fsxd.Failed)
}
