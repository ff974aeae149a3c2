package accesspoint

import (
	"context"
	"testing"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/store"
)

// storedCounts reads the quota counts as the store holds them (-1: none).
func (e *env) storedCounts(fsID string) (total, onFS int) {
	e.t.Helper()
	total, onFS = -1, -1
	err := e.st.View(context.Background(), func(tx *store.Tx) error {
		if c, err := counts(tx).Get(accountCount); err == nil {
			total = c.N
		}
		if c, err := counts(tx).Get(fsCount(fsID)); err == nil {
			onFS = c.N
		}
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return total, onFS
}

// TestQuotaCountsKept: the counts the quotas read are stored with the
// attachments and follow creates, detaches (a DELETING attachment still
// counts) and removals, across a restart.
func TestQuotaCountsKept(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxPerAccount, c.MaxPerFileSystem = 10, 2 })
	e.mustCreate(openZFS("one", volOZ, 1, 1))
	e.mustCreate(openZFS("two", volOZ2, 1, 1))
	e.mustCreate(ontap("other", volUnix, "UNIX", "alice"))
	if total, onFS := e.storedCounts(fsHA); total != 3 || onFS != 2 {
		t.Fatalf("stored counts %d, %d; want 3, 2", total, onFS)
	}
	e.detach("one", "")
	if _, err := e.create(openZFS("three", volOZ, 1, 1)); errorCode(err) != "TooManyAccessPoints" {
		t.Fatalf("create beside a DELETING attachment: %v", err)
	}
	e.settle() // removes "one"
	e.start()
	if total, onFS := e.storedCounts(fsHA); total != 2 || onFS != 1 {
		t.Fatalf("stored counts after removal %d, %d; want 2, 1", total, onFS)
	}
	e.mustCreate(openZFS("three", volOZ, 1, 1))
	if _, err := e.create(openZFS("four", volOZ, 1, 1)); errorCode(err) != "TooManyAccessPoints" {
		t.Fatalf("create over the quota: %v", err)
	}
}

// TestQuotaCountsFromOldDatabase: a database written before counts
// existed has attachments and no counts; the first create counts them.
func TestQuotaCountsFromOldDatabase(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxPerFileSystem = 2 })
	err := e.st.Update(context.Background(), func(tx *store.Tx) error {
		for _, n := range []string{"old1", "old2"} {
			a := &fsxd.Attachment{Name: n, VolumeID: volOZ, FileSystemID: fsHA, Lifecycle: fsxd.Available}
			if err := attachments(tx).Insert(n, a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.create(openZFS("new", volOZ, 1, 1)); errorCode(err) != "TooManyAccessPoints" {
		t.Fatalf("create over a quota of attachments without counts: %v", err)
	}
	e.detach("old1", "")
	e.settle()
	e.mustCreate(openZFS("new", volOZ, 1, 1))
	if total, onFS := e.storedCounts(fsHA); total != 2 || onFS != 2 {
		t.Fatalf("counts computed from the attachments: %d, %d; want 2, 2", total, onFS)
	}
	if _, err := e.create(openZFS("newer", volOZ, 1, 1)); errorCode(err) != "TooManyAccessPoints" {
		t.Fatalf("create over the quota with counts stored: %v", err)
	}
}
