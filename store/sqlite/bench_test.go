package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/fsxd/fsxd/store/sqlite"
	"github.com/fsxd/fsxd/store/storetest"
)

func openBench(b *testing.B, opts ...sqlite.Option) *sqlite.Backend {
	be, err := sqlite.Open(filepath.Join(b.TempDir(), "fsxd.db"), opts...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { be.Close() })
	return be
}

func BenchmarkGet(b *testing.B) { storetest.BenchGet(b, openBench(b)) }

// BenchmarkPut compares the durability settings: FULL pays an fsync per
// commit.
func BenchmarkPut(b *testing.B) {
	for _, s := range []sqlite.Sync{sqlite.SyncFull, sqlite.SyncNormal} {
		b.Run(string(s), func(b *testing.B) { storetest.BenchPut(b, openBench(b, sqlite.WithSync(s))) })
	}
}
