package volume

import (
	"errors"
	"testing"
	"time"
)

// TestReserveParts: staged parts count against the quota from their
// admission; completing an upload counts its object in their place; an
// abort gives their bytes back.
func TestReserveParts(t *testing.T) {
	r, _ := newRoot(t, Options{})
	quota := Quota{Bytes: 100}
	check := func(what string, err error, want bool) {
		t.Helper()
		if ok := err == nil; ok != want {
			t.Errorf("%s: %v, want admitted %v", what, err, want)
		} else if err != nil && !errors.Is(err, ErrNoSpace) {
			t.Errorf("%s: %v, want ErrNoSpace", what, err)
		}
	}
	check("part a1 60", r.ReservePart(quota, 60, "a"), true)
	check("file 50 beside 60 staged", r.Reserve(quota, 50), false)
	check("part b1 50 beside 60 staged", r.ReservePart(quota, 50, "b"), false)
	check("part a2 30", r.ReservePart(quota, 30, "a"), true)
	check("complete a as 90 (its parts are 90)", r.ReserveComplete(quota, 90, "a"), true)
	check("file 20 beside 90", r.Reserve(quota, 20), false)
	check("part b1 10", r.ReservePart(quota, 10, "b"), true)
	r.ReleaseParts("b")
	check("file 10 once b is aborted", r.Reserve(quota, 10), true)
	check("complete of an unknown upload counts whole", r.ReserveComplete(quota, 1, "c"), false)

	// Parts of an upload gone beside this Root (expired, ended on another
	// node) count until the next walk, which asks Staged.
	r, _ = newRoot(t, Options{})
	check("part d1 60", r.ReservePart(quota, 60, "d"), true)
	check("part e1 30", r.ReservePart(quota, 30, "e"), true)
	check("file 40 beside d and e", r.Reserve(quota, 40), false)
	r.use.at = time.Time{} // the cached walk is old
	gone := Quota{Bytes: 100, Staged: func(id string) bool { return id != "d" }}
	check("file 40 once d is gone (after a walk)", r.Reserve(gone, 40), true)
	check("file 40 more: e still counts", r.Reserve(gone, 40), false)
}
