package bench

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The raw ceilings must do the work they claim: two PUTs leave two files
// holding the data and no temporary file; two DELETEs remove two files;
// two multipart uploads of one key leave one file holding the parts in
// order, the last one short.
func TestRawJobs(t *testing.T) {
	ctx := context.Background()
	small := payload(4 * KiB)
	for _, tc := range []struct {
		name  string
		job   func(dir string) *Job
		delta int    // files after the two ops minus before
		want  []byte // what every file holds after
	}{
		{"put", func(dir string) *Job { return rawPut(dir, 4*KiB, 2) }, +2, small},
		{"unlink", rawUnlink, -2, small},
		{"multipart", func(dir string) *Job { return rawMultipart(dir, 10*KiB, 4*KiB) }, +1,
			slices.Concat(small, small, small[:2*KiB])},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), tc.name)
			job := tc.job(dir)
			if job.Setup != nil {
				if err := job.Setup(ctx); err != nil {
					t.Fatal(err)
				}
			}
			if job.Prepare != nil {
				if err := job.Prepare(ctx, Prep{Conc: 1, Budget: 50 * time.Millisecond}); err != nil {
					t.Fatal(err)
				}
			}
			before := files(t, dir)
			for i := range 2 {
				if _, err := job.Op(ctx, 3, 0, i); err != nil {
					t.Fatalf("op %d: %v", i, err)
				}
			}
			after := files(t, dir)
			if len(after)-len(before) != tc.delta {
				t.Errorf("%d files before, %d after; want a change of %+d", len(before), len(after), tc.delta)
			}
			for _, f := range after {
				if strings.HasSuffix(f, ".tmp") {
					t.Errorf("temporary file left: %s", f)
				} else if b, err := os.ReadFile(f); err != nil || !bytes.Equal(b, tc.want) {
					t.Errorf("%s: %d bytes, %v; want the %d bytes written", f, len(b), err, len(tc.want))
				}
			}
		})
	}
}

func files(t *testing.T, dir string) []string {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The raw listing stats every file of the tree.
func TestRawWalk(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	job := rawWalk(dir, 300)
	if err := job.Setup(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := job.Op(ctx, 0, 0, 0); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "extra"), nil, 0o644)
	if _, err := job.Op(ctx, 0, 0, 0); err == nil || !strings.Contains(err.Error(), "walked 301 files") {
		t.Fatalf("after adding a file: %v, want a count of 301", err)
	}
}
