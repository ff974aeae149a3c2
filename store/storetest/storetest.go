// Package storetest is the conformance suite every store.Backend passes:
// store/sqlite and store/postgres run the same tests, so the typed layer in
// package store behaves the same on both.
package storetest

import (
	"context"
	"testing"

	"github.com/fsxd/fsxd/store"
)

// Opener opens the backend under test. The first call in a test must return
// a backend on an empty database; a later call in the same test must return
// one on that same database (the restart test closes the first backend and
// reopens). The suite closes what it opens; Close may be called twice.
type Opener func(t *testing.T) store.Backend

// Run runs the suite.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, Opener)
	}{
		{"GetMissing", testGetMissing},
		{"InsertPutDelete", testInsertPutDelete},
		{"KindsAreSeparate", testKindsAreSeparate},
		{"EmptyValue", testEmptyValue},
		{"LargeValues", testLargeValues},
		{"KeyOrder", testKeyOrder},
		{"ScanAfterLimitStop", testScanAfterLimitStop},
		{"ScanManyPages", testScanManyPages},
		{"ScanWhileWriting", testScanWhileWriting},
		{"Rollback", testRollback},
		{"ViewIsReadOnly", testViewIsReadOnly},
		{"ViewSeesCommitted", testViewSeesCommitted},
		{"UpdateSeesOwnWrites", testUpdateSeesOwnWrites},
		{"CanceledContext", testCanceledContext},
		{"ConcurrentIncrements", testConcurrentIncrements},
		{"InsertRace", testInsertRace},
		{"Table", testTable},
		{"TableListPages", testTableListPages},
		{"Count", testCount},
		{"Restart", testRestart},
		{"Generation", testGeneration},
		{"WatchKinds", testWatchKinds},
		{"OnChange", testOnChange},
		{"ViewReads", testViewReads},
		{"Ping", testPing},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open) })
	}
}

// openT opens a backend that is closed when the test ends.
func openT(t *testing.T, open Opener) store.Backend {
	t.Helper()
	b := open(t)
	t.Cleanup(func() { b.Close() })
	return b
}

// put stores key=val in kind in a transaction of its own.
func put(t *testing.T, b store.Backend, kind, key, val string) {
	t.Helper()
	err := b.Update(context.Background(), func(r store.Raw) error {
		return r.Put(kind, key, []byte(val))
	})
	if err != nil {
		t.Fatalf("Put(%s/%s): %v", kind, key, err)
	}
}

// get returns the value at kind/key as seen by a View.
func get(t *testing.T, b store.Backend, kind, key string) ([]byte, error) {
	t.Helper()
	var val []byte
	err := b.View(context.Background(), func(r store.Raw) error {
		var err error
		val, err = r.Get(kind, key)
		return err
	})
	return val, err
}

// keys returns the keys of kind after after, in Scan order.
func keys(t *testing.T, b store.Backend, kind, after string) []string {
	t.Helper()
	var out []string
	err := b.View(context.Background(), func(r store.Raw) error {
		return r.Scan(kind, after, func(k string, _ []byte) (bool, error) {
			out = append(out, k)
			return true, nil
		})
	})
	if err != nil {
		t.Fatalf("Scan(%s, %q): %v", kind, after, err)
	}
	return out
}
