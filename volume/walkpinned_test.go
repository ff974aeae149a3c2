package volume

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWalkBesideS3Settled: files written beside S3 (no Meta) whose
// inodes have not changed for listSlack are listed with a second fstatat
// instead of statPinned; a file changed since is read pinned; either
// way every entry reports what is on disk now, with no Meta.
func TestWalkBesideS3Settled(t *testing.T) {
	shortSlack(t)
	r, dir := newRoot(t, Options{NoFsync: true})
	write := func(name, data string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]int64{}
	for i := range 5 {
		name := fmt.Sprintf("b%d", i)
		write(name, strings.Repeat("x", i))
		want[name] = int64(i)
	}
	mustPut(t, r.As(rootID), "s3", "through S3") // has Meta: never pinned
	want["s3"] = int64(len("through S3"))
	pinned := 0
	testHookPinned = func() { pinned++ }
	defer func() { testHookPinned = nil }()
	check := func(wantPinned int) {
		t.Helper()
		pinned = 0
		got := map[string]int64{}
		err := r.As(rootID).Walk(ctx, WalkOptions{}, func(e Entry) error {
			got[e.Key] = e.Info.Size
			if (e.Info.Meta != nil) != (e.Key == "s3") {
				t.Errorf("%s: Meta %+v", e.Key, e.Info.Meta)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) || pinned != wantPinned {
			t.Errorf("listed %v with %d pinned reads, want %v with %d", got, pinned, want, wantPinned)
		}
	}
	settle()
	check(0)
	write("b2", "changed beside S3")
	want["b2"] = int64(len("changed beside S3"))
	check(1)
	settle()
	check(0)
}
