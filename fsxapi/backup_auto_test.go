package fsxapi

import (
	"context"
	"testing"
	"time"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/store"
)

func TestLastDue(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		now, start, want string // want "" = not a time
	}{
		{"2026-12-05T10:00:00Z", "05:00", "2026-12-05T05:00:00Z"},
		{"2026-12-05T05:00:00Z", "05:00", "2026-12-05T05:00:00Z"}, // due at the minute itself
		{"2026-12-05T04:59:59Z", "05:00", "2026-12-04T05:00:00Z"},
		{"2026-01-01T00:10:00Z", "23:59", "2025-12-31T23:59:00Z"}, // across a year
		{"2026-03-01T00:00:00Z", "00:00", "2026-03-01T00:00:00Z"},
		{"2026-12-05T12:00:00+02:00", "11:00", "2026-12-04T11:00:00Z"}, // now is 10:00 UTC
		{"2026-12-05T10:00:00Z", "24:00", ""},
		{"2026-12-05T10:00:00Z", "5:00", ""},
		{"2026-12-05T10:00:00Z", "", ""},
	} {
		got, ok := lastDue(at(c.now), c.start)
		if c.want == "" {
			if ok {
				t.Errorf("lastDue(%s, %q) = %s, want not a time", c.now, c.start, got)
			}
			continue
		}
		if !ok || !got.Equal(at(c.want)) {
			t.Errorf("lastDue(%s, %q) = %s %v, want %s", c.now, c.start, got, ok, c.want)
		}
	}
}

// autoFS creates an OpenZFS file system with automatic backups kept for
// days, starting daily at start, and settles it.
func (e *testEnv) autoFS(days int64, start string) string {
	e.t.Helper()
	out, err := e.svc.CreateFileSystem(context.Background(), &CreateFileSystemRequest{
		FileSystemType: ptr("OPENZFS"), StorageCapacity: ptr(int64(64)), SubnetIds: []string{"subnet-01234567"},
		OpenZFSConfiguration: &CreateFileSystemOpenZFSConfiguration{DeploymentType: ptr("SINGLE_AZ_HA_1"), ThroughputCapacity: ptr(int64(128)),
			AutomaticBackupRetentionDays: ptr(days), DailyAutomaticBackupStartTime: ptr(start)},
	})
	if err != nil {
		e.t.Fatal(err)
	}
	e.settle()
	e.settle()
	return *out.FileSystem.FileSystemId
}

// automatic lists the AUTOMATIC backups by lifecycle.
func (e *testEnv) automatic() map[string][]*fsxd.Backup {
	e.t.Helper()
	out := map[string][]*fsxd.Backup{}
	err := e.st.View(context.Background(), func(tx *store.Tx) error {
		all, _, err := backups(tx).List("", 0, func(b *fsxd.Backup) bool { return b.Type == "AUTOMATIC" })
		for _, b := range all {
			out[b.Lifecycle] = append(out[b.Lifecycle], b)
		}
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

// reconcileAll runs a pass, lets the copies finish and settles them.
func (e *testEnv) reconcileAll(svcs ...*Service) {
	e.t.Helper()
	for _, s := range svcs {
		if err := s.Reconcile(context.Background()); err != nil {
			e.t.Fatal(err)
		}
		s.Wait()
	}
	e.settle()
	e.svc.Wait()
	e.settle()
}

// TestAutomaticBackups: one AUTOMATIC backup per due time however many
// nodes run the pass, none again for a day whose backup was deleted, and
// the expired ones deleted.
func TestAutomaticBackups(t *testing.T) {
	e := newTestEnv(t) // 2023-11-14T22:13:20Z
	fsID := e.autoFS(2, "23:00")
	e.autoFS(0, "23:00") // asks for none
	other := e.service() // a second node on the same store
	e.reconcileAll(e.svc, other)
	if n := len(e.automatic()); n != 0 {
		t.Fatalf("%d backups before the first due time", n)
	}

	e.clock = time.Date(2023, 11, 14, 23, 0, 5, 0, time.UTC)
	e.reconcileAll(e.svc, other, e.service())
	got := e.automatic()[fsxd.Available]
	if len(got) != 1 || got[0].FileSystemID != fsID || got[0].ResourceType != "FILE_SYSTEM" {
		t.Fatalf("AVAILABLE automatic backups after the due time: %+v", got)
	}
	first := got[0].ID
	// Deleted by the user, the day's backup is not taken again.
	if _, err := e.svc.DeleteBackup(context.Background(), &DeleteBackupRequest{BackupId: ptr(first)}); err != nil {
		t.Fatal(err)
	}
	e.reconcileAll(e.service())
	if n := len(e.automatic()[fsxd.Available]); n != 0 {
		t.Fatalf("%d AVAILABLE after the day's backup was deleted", n)
	}

	// A day later, the next one; two days after that, it has expired.
	e.clock = e.clock.Add(24 * time.Hour)
	e.reconcileAll(e.svc)
	got = e.automatic()[fsxd.Available]
	if len(got) != 1 {
		t.Fatalf("next day: %d AVAILABLE automatic backups", len(got))
	}
	e.clock = e.clock.Add(47 * time.Hour)
	e.reconcileAll(e.svc)
	if a := e.automatic(); len(a[fsxd.Available]) != 2 {
		t.Fatalf("within the retention: %d AVAILABLE, want 2 (two more days' backups)", len(a[fsxd.Available]))
	}
	e.clock = e.clock.Add(2 * time.Hour)
	e.reconcileAll(e.svc)
	for _, b := range e.automatic()[fsxd.Available] {
		if b.ID == got[0].ID {
			t.Errorf("backup %s of %s kept past its 2-day retention at %s", b.ID, b.CreationTime, e.clock)
		}
	}
}

// TestAutomaticBackupsOff: NoAutomaticBackups takes none.
func TestAutomaticBackupsOff(t *testing.T) {
	e := newTestEnv(t)
	e.svc.cfg.NoAutomaticBackups = true
	e.autoFS(2, "23:00")
	e.clock = time.Date(2023, 11, 15, 0, 0, 0, 0, time.UTC)
	e.reconcileAll(e.svc)
	if n := len(e.automatic()); n != 0 {
		t.Errorf("%d automatic backups with NoAutomaticBackups", n)
	}
}

// TestAutomaticBackupsONTAP: an ONTAP file system's automatic backups
// are of each volume that was CREATED by the due time.
func TestAutomaticBackupsONTAP(t *testing.T) {
	e := newTestEnv(t) // 2023-11-14T22:13:20Z
	ctx := context.Background()
	fs, err := e.svc.CreateFileSystem(ctx, &CreateFileSystemRequest{
		FileSystemType: ptr("ONTAP"), StorageCapacity: ptr(int64(1024)), SubnetIds: []string{"subnet-01234567"},
		OntapConfiguration: &CreateFileSystemOntapConfiguration{DeploymentType: ptr("SINGLE_AZ_1"), ThroughputCapacity: ptr(int64(128)),
			AutomaticBackupRetentionDays: ptr(int64(1)), DailyAutomaticBackupStartTime: ptr("23:00")},
	})
	if err != nil {
		t.Fatal(err)
	}
	e.settle()
	e.settle()
	svm, err := e.svc.CreateStorageVirtualMachine(ctx, &CreateStorageVirtualMachineRequest{FileSystemId: fs.FileSystem.FileSystemId, Name: ptr("svm1")})
	if err != nil {
		t.Fatal(err)
	}
	e.settle()
	vol := func(name string) string {
		out, err := e.svc.CreateVolume(ctx, &CreateVolumeRequest{VolumeType: ptr("ONTAP"), Name: ptr(name),
			OntapConfiguration: &CreateOntapVolumeConfiguration{StorageVirtualMachineId: svm.StorageVirtualMachine.StorageVirtualMachineId,
				JunctionPath: ptr("/" + name), SizeInBytes: ptr(int64(1 << 30)), StorageEfficiencyEnabled: ptr(true)}})
		if err != nil {
			t.Fatal(err)
		}
		e.settle()
		return *out.Volume.VolumeId
	}
	early := vol("early")
	e.clock = time.Date(2023, 11, 14, 23, 0, 5, 0, time.UTC)
	late := vol("late") // created after the due time: in tomorrow's backups
	e.reconcileAll(e.svc, e.service())
	got := e.automatic()[fsxd.Available]
	if len(got) != 1 || got[0].VolumeID != early || got[0].ResourceType != "VOLUME" {
		for _, b := range got {
			t.Logf("backup of %s (%s)", b.VolumeID, b.ResourceType)
		}
		t.Fatalf("%d automatic backups of the ONTAP volumes, want one of %s", len(got), early)
	}
	e.clock = e.clock.Add(24 * time.Hour)
	e.reconcileAll(e.svc)
	vols := map[string]int{}
	for _, b := range e.automatic()[fsxd.Available] {
		vols[b.VolumeID]++
	}
	if vols[early] != 1 || vols[late] != 1 {
		t.Errorf("a day later: AVAILABLE automatic backups per volume %v, want one each of %s and %s (the first expired)", vols, early, late)
	}
}

// TestAutoPassSpacing: passes run at most every autoBackupEvery.
func TestAutoPassSpacing(t *testing.T) {
	var a autoTaken
	t0 := time.Unix(1700000000, 0)
	for i, c := range []struct {
		at   time.Duration
		want bool
	}{{0, true}, {time.Second, false}, {autoBackupEvery - 1, false}, {autoBackupEvery, true}, {autoBackupEvery + time.Second, false}, {-time.Hour, true}} {
		if got := a.due(t0.Add(c.at)); got != c.want {
			t.Errorf("step %d, at %v: due = %v, want %v", i, c.at, got, c.want)
		}
	}
}
