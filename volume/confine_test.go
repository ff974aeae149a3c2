package volume

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestConfinement plants symlinks beside S3 that point out of the volume
// in every way, and checks no operation follows them out.
func TestConfinement(t *testing.T) {
	modes(t, func(t *testing.T, e Enforcement) {
		r, vol := newRoot(t, optsFor(e))
		outside := filepath.Join(filepath.Dir(vol), "outside")
		mkfile(t, outside, "secret", 0o666, 0, 0, "outside secret")
		mkdir(t, outside, "dir", 0o777, 0, 0)
		mkfile(t, vol, "real/file", 0o666, 0, 0, "inside")
		links := map[string]string{
			"abs":            "/etc/passwd",
			"absout":         filepath.Join(outside, "secret"),
			"rel":            "../outside/secret",
			"dirout":         "../outside",
			"absdir":         outside,
			"real/up":        "../../outside/dir",
			"nested/a/b/up":  "../../../../outside/secret",
			"nested/chain":   "../dirout",
			"loop":           "loop",
			"proc":           "/proc/self/root/etc/passwd",
			"in":             "real/file",
			"indir":          "real",
			"real/rootdot":   "..",
			"nested/deep/in": "../../real/file",
		}
		for name, target := range links {
			os.MkdirAll(filepath.Join(vol, filepath.Dir(name)), 0o777)
			if err := os.Symlink(target, filepath.Join(vol, name)); err != nil {
				t.Fatal(err)
			}
		}
		before := snapshot(t, outside)
		f := r.As(rootID) // even root must stay inside
		for _, k := range []string{"abs", "absout", "rel", "nested/a/b/up", "nested/chain/secret",
			"dirout/secret", "absdir/secret", "real/up/x", "loop", "proc", "real/rootdot/real/file/x"} {
			if _, err := f.Stat(ctx, key(t, k)); err == nil {
				t.Errorf("stat %s succeeded", k)
			}
			if fl, err := f.Open(ctx, key(t, k)); err == nil {
				fl.Close()
				t.Errorf("open %s succeeded", k)
			}
		}
		for _, k := range []string{"dirout/new", "absdir/new", "real/up/new", "nested/chain/dir/new",
			"absdir/dir/deeper/new", "dirout/secret"} {
			if _, err := put(t, f, k, "pwned"); err == nil {
				t.Errorf("create %s succeeded", k)
			}
			if _, err := f.Mkdir(ctx, key(t, k+"d/"), Meta{}); err == nil {
				t.Errorf("mkdir %s succeeded", k)
			}
			if err := f.CheckAccess(ctx, key(t, k), true); err == nil {
				t.Errorf("check access %s succeeded", k)
			}
		}
		for _, k := range []string{"dirout/secret", "absdir/secret", "real/up/", "nested/chain/dir/"} {
			if err := f.Remove(ctx, key(t, k)); err == nil {
				t.Errorf("remove %s succeeded", k)
			}
		}
		if _, err := f.SetMeta(ctx, key(t, "absout"), func(*Meta) error { return nil }); err == nil {
			t.Error("setmeta through an escaping link succeeded")
		}
		if _, err := f.Stat(ctx, key(t, "abs")); !errors.Is(err, ErrEscape) {
			t.Errorf("absolute symlink: %v, want ErrEscape", err)
		}
		// Links that stay inside work.
		if got, err := get(t, f, "in"); got != "inside" || err != nil {
			t.Errorf("inside link: %q %v", got, err)
		}
		if got, err := get(t, f, "indir/file"); got != "inside" || err != nil {
			t.Errorf("inside dir link: %q %v", got, err)
		}
		for _, prefix := range []string{"dirout/", "absdir/", "real/up/", "nested/chain/"} {
			var keys []string
			err := f.Walk(ctx, WalkOptions{Prefix: prefix}, func(e Entry) error { keys = append(keys, e.Key); return nil })
			if err != nil || len(keys) != 0 {
				t.Errorf("walk %s: %v %v", prefix, keys, err)
			}
		}
		var keys []string
		f.Walk(ctx, WalkOptions{}, func(e Entry) error { keys = append(keys, e.Key); return nil })
		if want := []string{"in", "nested/deep/in", "real/file"}; !slices.Equal(keys, want) {
			t.Errorf("walk all = %v, want %v", keys, want)
		}
		// Replacing or removing a link changes the link, never its target.
		mustPut(t, f, "absout", "replaced the link")
		if err := f.Remove(ctx, key(t, "rel")); err != nil {
			t.Errorf("remove link: %v", err)
		}
		if after := snapshot(t, outside); !slices.Equal(before, after) {
			t.Fatalf("outside changed:\n%v\n%v", before, after)
		}
	})
}

// snapshot lists names and contents under dir.
func snapshot(t *testing.T, dir string) []string {
	var out []string
	for _, name := range listDir(t, dir) {
		b, _ := os.ReadFile(filepath.Join(dir, name))
		out = append(out, name+"="+string(b))
	}
	return out
}
