package storetest

// The version-1 fixture: testdata/v1/fsxd.db is a SQLite store as the first
// pinned version of fsxd wrote it (e2e/storefixture_gen_test.go made it
// through the SDKs), with the master key that sealed its access key. A
// change that cannot read old databases any more (a renamed kind or JSON
// member, a changed encoding) fails CheckV1. The fixture is never
// regenerated: a new format gets a new fixture beside it.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"

	"github.com/fsxd/fsxd/store"
)

// CopyV1 copies the version-1 fixture (fsxd.db and master.key) into a
// fresh directory and returns it, so a test may open and migrate it.
func CopyV1(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("storetest: cannot locate the fixture")
	}
	src := filepath.Join(filepath.Dir(file), "testdata", "v1")
	dst := t.TempDir()
	for _, name := range []string{"fsxd.db", "master.key"} {
		if err := copyFile(filepath.Join(src, name), filepath.Join(dst, name)); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o600) // a master key must not be readable by others
}

// CheckV1 reads every table of the fixture in s through the schema's
// handles and compares the records with what version 1 stored.
func CheckV1(t *testing.T, s *store.Store) {
	err := s.View(context.Background(), func(tx *store.Tx) error {
		return checkV1(t, tx)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func checkV1(t *testing.T, tx *store.Tx) error {
	checks := []func(*testing.T, *store.Tx) error{
		v1FileSystems, v1SVMs, v1Volumes, v1Attachments, v1Aliases, v1Pending, v1Tokens, v1IAM,
	}
	for _, c := range checks {
		if err := c(t, tx); err != nil {
			return err
		}
	}
	return nil
}

// want compares the record at key, after fix (if any), with exp.
func want[T any](t *testing.T, tx *store.Tx, k store.Kind[T], key string, exp *T, fix func(*T)) {
	t.Helper()
	got, err := k.In(tx).Get(key)
	if err != nil {
		t.Errorf("%s/%s: %v", k.Name, key, err)
		return
	}
	if fix != nil {
		fix(got)
	}
	if !reflect.DeepEqual(got, exp) {
		t.Errorf("%s/%s:\n got %+v\nwant %+v", k.Name, key, got, exp)
	}
}

// RoundTrip checks every record of k: it decodes with no unknown member
// (a JSON name the record type no longer has would be lost on the next
// write) and encodes back to JSON that keeps every member with its value
// (new members may appear). It returns the keys, in order.
func RoundTrip[T any](t *testing.T, tx *store.Tx, k store.Kind[T]) ([]string, error) {
	t.Helper()
	var keys []string
	err := tx.Raw().Scan(k.Name, "", func(key string, val []byte) (bool, error) {
		keys = append(keys, key)
		if err := RoundTripJSON[T](val); err != nil {
			t.Errorf("%s/%s: %v", k.Name, key, err)
		}
		return true, nil
	})
	return keys, err
}

// RoundTripJSON checks one stored value as RoundTrip does: it decodes into
// a T with no unknown member and re-encodes keeping every member.
func RoundTripJSON[T any](val []byte) error {
	dec := json.NewDecoder(bytes.NewReader(val))
	dec.DisallowUnknownFields()
	v := new(T)
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("trailing data after the record")
	}
	out, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return Keeps(val, out)
}

// Keeps reports whether the JSON value now keeps everything in was: every
// object member of was is in now with a value that keeps it (or was zero,
// which an omitted member decodes to), arrays match element by element,
// and other values are equal. Members only now has (a field added since)
// are allowed.
func Keeps(was, now []byte) error {
	var a, b any
	if err := json.Unmarshal(was, &a); err != nil {
		return err
	}
	if err := json.Unmarshal(now, &b); err != nil {
		return err
	}
	if path := lost(a, b, ""); path != "" {
		return fmt.Errorf("re-encoding loses %s:\n was %s\n now %s", path, was, now)
	}
	return nil
}

func zeroJSON(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case float64:
		return v == 0
	case bool:
		return !v
	case []any:
		return len(v) == 0
	case map[string]any:
		return len(v) == 0
	}
	return false
}

// lost returns the path of the first part of a that b does not keep, or "".
func lost(a, b any, path string) string {
	switch a := a.(type) {
	case map[string]any:
		bm, ok := b.(map[string]any)
		if !ok {
			return path + "/"
		}
		for k, av := range a {
			bv, ok := bm[k]
			switch {
			case !ok && zeroJSON(av):
				continue // omitting a zero member loses nothing
			case !ok:
				return path + "/" + k
			}
			if p := lost(av, bv, path+"/"+k); p != "" {
				return p
			}
		}
	case []any:
		bs, ok := b.([]any)
		if !ok || len(bs) != len(a) {
			return path + "[]"
		}
		for i := range a {
			if p := lost(a[i], bs[i], fmt.Sprintf("%s[%d]", path, i)); p != "" {
				return p
			}
		}
	default:
		if !reflect.DeepEqual(a, b) {
			return path + "=" + fmt.Sprint(a)
		}
	}
	return ""
}

// wantKeys checks the round trip of every record of k and that the table
// holds exactly keys.
func wantKeys[T any](t *testing.T, tx *store.Tx, k store.Kind[T], keys ...string) error {
	t.Helper()
	got, err := RoundTrip(t, tx, k)
	if err != nil {
		return err
	}
	if !reflect.DeepEqual(got, keys) {
		t.Errorf("%s keys = %q, want %q", k.Name, got, keys)
	}
	return nil
}
