package volume

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// TestWalkPairsOneVersion: while keys are replaced and deleted under it, a
// Walk must list each key with the size and the Meta of one and the same
// version. Every body here is written by a Create with an ETag naming its
// size, so an entry without Meta (which S3 would list with a synthetic
// ETag no PUT produced) or with another version's size is a torn pairing:
// the stat read from one inode, the Meta from another or from none.
func TestWalkPairsOneVersion(t *testing.T) {
	for _, c := range []struct {
		name string
		opts func(t *testing.T) Options
	}{
		{"xattr", func(*testing.T) Options { return Options{NoFsync: true} }},
		{"metadir", func(t *testing.T) Options {
			return Options{NoFsync: true, MetaDir: t.TempDir(), forceMetaDir: true}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, _ := newRoot(t, c.opts(t))
			f := r.As(rootID)
			var stop atomic.Bool
			var writers, listers sync.WaitGroup
			for g := range 2 {
				writers.Go(func() { churn(t, f, g) })
			}
			for range 2 {
				listers.Go(func() {
					for !stop.Load() && !t.Failed() {
						walkCheck(t, f)
					}
				})
			}
			writers.Wait()
			stop.Store(true)
			listers.Wait()
		})
	}
}

// churn replaces and deletes two keys, one nested (so its directory is
// pruned and made again too), with bodies of varying sizes.
func churn(t *testing.T, f *FS, g int) {
	for i := range 300 {
		k := []string{"k", "d/k"}[i%2]
		if i%5 == g {
			if err := f.Remove(ctx, key(t, k)); err != nil && !isErr(err, ErrNotExist) {
				t.Errorf("remove %s: %v", k, err)
				return
			}
			continue
		}
		body := strings.Repeat("x", 1+(i*7+g*13)%200)
		w, err := f.Create(ctx, key(t, k))
		if err != nil {
			t.Errorf("create %s: %v", k, err)
			return
		}
		w.Write([]byte(body))
		if _, err := w.Commit(Meta{ETag: sizeETag(int64(len(body)))}, nil); err != nil {
			t.Errorf("commit %s: %v", k, err)
			return
		}
	}
}

func sizeETag(n int64) string { return fmt.Sprintf("size-%d", n) }

func walkCheck(t *testing.T, f *FS) {
	err := f.Walk(ctx, WalkOptions{}, func(e Entry) error {
		in := e.Info
		switch {
		case in.IsDir:
		case in.Meta == nil:
			t.Errorf("%s listed with size %d and no Meta", e.Key, in.Size)
		case in.Meta.ETag != sizeETag(in.Size):
			t.Errorf("%s listed with size %d and the ETag %s of another version", e.Key, in.Size, in.Meta.ETag)
		}
		return nil
	})
	if err != nil {
		t.Errorf("walk: %v", err)
	}
}
