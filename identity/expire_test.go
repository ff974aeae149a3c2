package identity

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/fsxd/fsxd/store"
)

// TestExpireSessions: a session is forgotten a SessionGrace after it
// expires, or as soon as its role or user is gone (or made again under its
// name); a live one, or one expired less long ago, is kept.
func TestExpireSessions(t *testing.T) {
	ctx := context.Background()
	d, _ := newTestDir(t)
	now := time.Date(2026, 12, 8, 1, 0, 0, 0, time.UTC)
	d.cfg.Now = func() time.Time { return now }
	putUser(t, d, "alice", "AIDAALICE", nil)
	putUser(t, d, "bob", "AIDABOBNEW", nil) // bob was deleted and made again
	err := d.cfg.Store.Update(ctx, func(tx *store.Tx) error {
		if err := Roles(tx).Put(NameKey("r"), &Role{Name: "r", Path: "/", ID: "AROAR"}); err != nil {
			return err
		}
		for _, s := range []*Session{
			{ID: "ASIALIVE", UserName: "alice", UserID: "AIDAALICE", Expires: now.Add(time.Hour)},
			{ID: "ASIAGRACE", UserName: "alice", UserID: "AIDAALICE", Expires: now.Add(-SessionGrace + time.Minute)},
			{ID: "ASIAOLD", UserName: "alice", UserID: "AIDAALICE", Expires: now.Add(-SessionGrace - time.Minute)},
			{ID: "ASIAROLE", RoleName: "r", RoleID: "AROAR", SessionName: "s", Expires: now.Add(time.Hour)},
			{ID: "ASIAROLEGONE", RoleName: "gone", RoleID: "AROAGONE", SessionName: "s", Expires: now.Add(time.Hour)},
			{ID: "ASIAOLDBOB", UserName: "bob", UserID: "AIDABOBOLD", Expires: now.Add(time.Hour)},
			{ID: "ASIAROOT", Root: true, Expires: now.Add(time.Hour)},
		} {
			if err := Sessions(tx).Insert(s.ID, s); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.ExpireSessions(ctx); err != nil {
		t.Fatal(err)
	}
	want := []string{"ASIAGRACE", "ASIALIVE", "ASIAROLE", "ASIAROOT"}
	if got := sessionIDs(t, d); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("sessions left %v, want %v", got, want)
	}
}

// TestExpireSessionsBounded: one call reads sessionsPerPass records, and
// the next resumes after them, so a large table is swept in bounded steps.
func TestExpireSessionsBounded(t *testing.T) {
	ctx := context.Background()
	d, _ := newTestDir(t)
	now := time.Date(2026, 12, 8, 1, 0, 0, 0, time.UTC)
	d.cfg.Now = func() time.Time { return now }
	total := sessionsPerPass + 10
	err := d.cfg.Store.Update(ctx, func(tx *store.Tx) error {
		for i := range total {
			id := fmt.Sprintf("ASIA%06d", i)
			if err := Sessions(tx).Insert(id, &Session{ID: id, Root: true, Expires: now.Add(-2 * SessionGrace)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, left := range []int{10, 0} {
		if err := d.ExpireSessions(ctx); err != nil {
			t.Fatal(err)
		}
		if got := len(sessionIDs(t, d)); got != left {
			t.Fatalf("after pass %d: %d sessions left, want %d", i+1, got, left)
		}
	}
}

func sessionIDs(t *testing.T, d *Directory) []string {
	t.Helper()
	var ids []string
	err := d.cfg.Store.View(context.Background(), func(tx *store.Tx) error {
		list, _, err := Sessions(tx).List("", 0, nil)
		for _, s := range list {
			ids = append(ids, s.ID)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}
