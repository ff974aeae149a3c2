package volume

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestCommitIfAbsentTwoNodes: two Roots on one directory (two nodes, each
// with its own key locks). B's check sees the name free, then A's write
// lands before B links: B's Commit is refused with Exists and A's bytes
// stay, with O_TMPFILE and with the hidden-name fallback (which must not
// leave its temp name behind). A dangling symlink at the name does not
// count as taken.
func TestCommitIfAbsentTwoNodes(t *testing.T) {
	errTaken := errors.New("taken")
	for _, tmpfile := range []bool{true, false} {
		ra, dir := newRoot(t, Options{})
		rb, err := OpenRoot(dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer rb.Close()
		ra.tmpfile, rb.tmpfile = tmpfile, tmpfile
		a, b := ra.As(alice), rb.As(alice)

		w, err := b.Create(ctx, key(t, "d/lock"))
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, "from b")
		_, err = w.Commit(Meta{ETag: "b"}, &Cond{Exists: errTaken, Check: func(ex *Info) error {
			if ex != nil {
				t.Errorf("b's check saw %+v", ex)
			}
			if _, err := put(t, a, "d/lock", "from a"); err != nil { // a wins the race
				t.Fatal(err)
			}
			return nil
		}})
		if !errors.Is(err, errTaken) {
			t.Errorf("tmpfile=%v: b's Commit = %v, want the Exists error", tmpfile, err)
		}
		if got, _ := get(t, b, "d/lock"); got != "from a" {
			t.Errorf("tmpfile=%v: the key holds %q", tmpfile, got)
		}
		if ents, _ := os.ReadDir(filepath.Join(dir, "d")); len(ents) != 1 {
			t.Errorf("tmpfile=%v: d holds %v", tmpfile, ents)
		}

		// Free: linked. Taken by a dangling symlink: replaced.
		if err := os.Symlink("nowhere", filepath.Join(dir, "d", "link")); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"d/new", "d/link"} {
			w, err := b.Create(ctx, key(t, k))
			if err != nil {
				t.Fatal(err)
			}
			io.WriteString(w, k)
			if _, err := w.Commit(Meta{ETag: "x"}, &Cond{Exists: errTaken}); err != nil {
				t.Fatalf("tmpfile=%v: %s: %v", tmpfile, k, err)
			}
			if got, _ := get(t, a, k); got != k {
				t.Errorf("tmpfile=%v: %s holds %q", tmpfile, k, got)
			}
		}
	}
}

// TestCheckedChangesTwoNodes: a checked Commit (If-Match) on one node holds
// the file from its check to its replace; a checked Commit or RemoveIf of
// the same key (or SetMetaIf) on another node waits, then checks the new file and is
// refused, where without the lock both would pass the same check.
func TestCheckedChangesTwoNodes(t *testing.T) {
	errStale := errors.New("stale")
	ifETag := func(want string) func(*Info) error {
		return func(ex *Info) error {
			if ex == nil || ex.Meta == nil || ex.Meta.ETag != want {
				return errStale
			}
			return nil
		}
	}
	// a's change: a checked write, a checked delete, a checked Meta change.
	for _, mode := range []string{"commit", "remove", "setmeta"} {
		a, b := twoNodesWithDoc(t)
		inCheck, proceed := make(chan struct{}), make(chan struct{})
		done := make(chan error, 1)
		go func() {
			w, _ := b.Create(ctx, key(t, "doc"))
			io.WriteString(w, "b")
			_, err := w.Commit(Meta{ETag: "2"}, &Cond{Check: func(ex *Info) error {
				close(inCheck)
				<-proceed
				return ifETag("1")(ex)
			}})
			done <- err
		}()
		<-inCheck
		other := make(chan error, 1)
		go func() {
			switch mode {
			case "remove":
				other <- a.RemoveIf(ctx, key(t, "doc"), ifETag("1"))
				return
			case "setmeta":
				_, err := a.SetMetaIf(ctx, key(t, "doc"), ifETag("1"), func(m *Meta) error { m.ContentType = "a/a"; return nil })
				other <- err
				return
			}
			w, _ := a.Create(ctx, key(t, "doc"))
			io.WriteString(w, "a")
			_, err := w.Commit(Meta{ETag: "3"}, &Cond{Check: ifETag("1")})
			other <- err
		}()
		select {
		case err := <-other:
			t.Fatalf("%s: a's checked change ran while b held the file: %v", mode, err)
		case <-time.After(200 * time.Millisecond):
		}
		close(proceed)
		if err := <-done; err != nil {
			t.Fatalf("%s: b: %v", mode, err)
		}
		if err := <-other; !errors.Is(err, errStale) {
			t.Errorf("%s: a after b's replace = %v, want the check's refusal", mode, err)
		}
		if got, _ := get(t, a, "doc"); got != "b" {
			t.Errorf("%s: doc holds %q", mode, got)
		}
	}
}

// TestSetMetaIfHoldsTwoNodes: SetMetaIf (CopyObject onto itself with
// If-Match) holds the file from its check until the Meta is written; a
// checked write on another node waits for it, then sees the same ETag
// (only the Meta changed) and goes on.
func TestSetMetaIfHoldsTwoNodes(t *testing.T) {
	a, b := twoNodesWithDoc(t)
	inCheck, proceed := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := b.SetMetaIf(ctx, key(t, "doc"), func(*Info) error {
			close(inCheck)
			<-proceed
			return nil
		}, func(m *Meta) error { m.ContentType = "b/b"; return nil })
		done <- err
	}()
	<-inCheck
	other := make(chan error, 1)
	go func() {
		w, _ := a.Create(ctx, key(t, "doc"))
		io.WriteString(w, "a")
		_, err := w.Commit(Meta{ETag: "3"}, &Cond{Check: func(ex *Info) error {
			if ex == nil || ex.Meta == nil || ex.Meta.ContentType != "b/b" {
				return fmt.Errorf("checked before the Meta change: %+v", ex)
			}
			return nil
		}})
		other <- err
	}()
	select {
	case err := <-other:
		t.Fatalf("a's checked write ran while b held the file: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	close(proceed)
	if err := <-done; err != nil {
		t.Fatalf("b: %v", err)
	}
	if err := <-other; err != nil {
		t.Fatalf("a after b's Meta change: %v", err)
	}
	if got, _ := get(t, a, "doc"); got != "a" {
		t.Errorf("doc holds %q", got)
	}
}

// twoNodesWithDoc is alice on two Roots over one directory (two nodes
// sharing a file system), with "doc" there, ETag "1".
func twoNodesWithDoc(t *testing.T) (a, b *FS) {
	t.Helper()
	ra, dir := newRoot(t, Options{})
	rb, err := OpenRoot(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rb.Close() })
	a, b = ra.As(alice), rb.As(alice)
	w, _ := a.Create(ctx, key(t, "doc"))
	if _, err := w.Commit(Meta{ETag: "1"}, nil); err != nil {
		t.Fatal(err)
	}
	return a, b
}

// TestCheckedRemoveUnreadable: a conditional delete of a file the identity
// may remove but not open goes on without the cross-node lock, as the key
// lock alone would have: the lock never refuses what the remove allows.
func TestCheckedRemoveUnreadable(t *testing.T) {
	needRoot(t)
	r, dir := newRoot(t, Options{})
	if _, err := put(t, r.As(alice), "k", "secret"); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, "k"), 0o600); err != nil {
		t.Fatal(err)
	}
	seen := false
	err := r.As(bob).RemoveIf(ctx, key(t, "k"), func(ex *Info) error { seen = ex != nil; return nil })
	if err != nil || !seen {
		t.Fatalf("bob's conditional delete: %v (cond saw the file: %v)", err, seen)
	}
	if _, err := os.Lstat(filepath.Join(dir, "k")); !os.IsNotExist(err) {
		t.Errorf("k still there: %v", err)
	}
}
