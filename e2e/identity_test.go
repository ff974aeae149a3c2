package e2e

// Identity-scoped file access end to end: every S3 operation
// through an access point runs as the access point's POSIX identity. Run
// as root, fsxd has the privilege to switch credentials, so the kernel
// decides and new files belong to the identity.

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// idUsers are the access points every kernel subtest uses.
var idUsers = map[string]idUser{
	"alice": {uid: 1001, gid: 2001},
	"bob":   {uid: 1002, gid: 1002},
	"carol": {uid: 1003, gid: 1003, groups: []int64{1001}},
	"root":  {uid: 0, gid: 0},
}

func TestIdentityKernel(t *testing.T) {
	skipUnlessRoot(t, "kernel enforcement needs root")
	e := Start(t)
	if got := idEnforcement(t, e.URL); got != "kernel" {
		t.Fatalf("enforcement %q, want kernel", got)
	}
	fsID, root := apOpenZFSFileSystem(t, e, "SINGLE_AZ_HA_2")
	v := idAttach(t, e, root, filepath.Join(e.DataDir, "fs", fsID, "fsx"), idUsers)
	for _, tc := range []struct {
		name string
		fn   func(v *idVol)
	}{
		{"Ownership", idOwnership},
		{"ModeBits", idModeBits},
		{"PrivateDir", idPrivateDir},
		{"Delete", idDelete},
		{"Root", idRoot},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(v.with(t)) })
	}
}

// with is v reporting to t (a subtest).
func (v *idVol) with(t *testing.T) *idVol {
	c := *v
	c.t = t
	return &c
}

// idOwnership: what an access point creates, by PUT, directory marker,
// multipart upload or copy, belongs to its UID and primary GID, with the
// umask (022) applied; so do the directories made on the way.
func idOwnership(v *idVol) {
	v.want("PUT", "alice", "made/by/alice.txt", "")
	v.want("PUT", "alice", "marker/", "")
	if err := v.multipart("alice", "mp/big.bin", make([]byte, 6<<20)); err != nil {
		v.t.Fatalf("multipart: %v", err)
	}
	v.want("COPY", "alice", "copied.txt<made/by/alice.txt", "")
	for rel, mode := range map[string]uint32{
		"made": 0o755, "made/by": 0o755, "made/by/alice.txt": 0o644,
		"marker": 0o755, "mp": 0o755, "mp/big.bin": 0o644, "copied.txt": 0o644,
	} {
		v.wantOwner(rel, 1001, 2001, mode)
	}
	if got, err := v.get("alice", "copied.txt"); err != nil || got != "by alice" {
		v.t.Errorf("GET copied.txt: %q, %v", got, err)
	}
}

// idModeBits: the owner class, the group class through a secondary GID,
// and the other class. The directory is world-writable: replacing an
// object still needs write permission on the file (it is rewritten).
func idModeBits(v *idVol) {
	v.mkdir("modes", 0o777, 0, 0)
	v.file("modes/alice600", 0o600, 1001, 1001, "alice's")
	v.file("modes/group640", 0o640, 1001, 1001, "the group's")
	before := v.tree()
	for _, c := range []struct{ op, ap, key, want string }{
		{"GET", "alice", "modes/alice600", ""},
		{"GET", "bob", "modes/alice600", "AccessDenied"},
		{"GET", "carol", "modes/alice600", "AccessDenied"},
		{"GET", "carol", "modes/group640", ""}, // secondary GID 1001
		{"GET", "bob", "modes/group640", "AccessDenied"},
		{"PUT", "carol", "modes/group640", "AccessDenied"}, // group may only read
		{"PUT", "bob", "modes/alice600", "AccessDenied"},
	} {
		v.want(c.op, c.ap, c.key, c.want)
	}
	if after := v.tree(); after != before {
		v.t.Errorf("denied PUTs changed the volume:\n%s\nwas:\n%s", after, before)
	}
	if got, err := v.get("carol", "modes/group640"); err != nil || got != "the group's" {
		v.t.Errorf("carol GET group640: %q, %v", got, err)
	}
}

// idPrivateDir: a 0700 directory of another user blocks every operation
// below it, and a denied operation leaves nothing behind.
func idPrivateDir(v *idVol) {
	v.mkdir("private", 0o700, 1002, 1002)
	v.file("private/f", 0o644, 1002, 1002, "bob's")
	before := v.tree()
	for _, c := range []struct{ op, key string }{
		{"GET", "private/f"},
		{"PUT", "private/f"},
		{"PUT", "private/new"},
		{"PUT", "private/sub/deep"},
		{"PUT", "private/sub/"},
		{"DELETE", "private/f"},
		{"DELETE", "private/missing"},
		{"LIST", "private/"},
		{"LIST", "private/f"},
		{"MPU", "private/upload"},
		{"COPY", "stolen<private/f"},
	} {
		v.want(c.op, "alice", c.key, "AccessDenied")
	}
	if after := v.tree(); after != before {
		v.t.Errorf("denied operations changed the volume:\n%s\nwas:\n%s", after, before)
	}
	// A listing from the top does not show what lies inside.
	if keys, err := v.list("alice", ""); err == nil && slices.ContainsFunc(keys, func(k string) bool { return strings.HasPrefix(k, "private/") }) {
		v.t.Errorf("alice lists %v", keys)
	}
	v.want("GET", "bob", "private/f", "")
	if keys, err := v.list("bob", "private/"); err != nil || !slices.Equal(keys, []string{"private/f"}) {
		v.t.Errorf("bob lists %v, %v", keys, err)
	}
}

// idDelete: removing an entry needs write on its directory, whoever owns
// the file; in a sticky directory only the file's (or directory's) owner
// may remove or replace it.
func idDelete(v *idVol) {
	v.mkdir("ro", 0o755, 1001, 2001)
	v.file("ro/bobs", 0o666, 1002, 1002, "bob's")
	v.mkdir("tmp", 0o1777, 0, 0)
	v.file("tmp/alices", 0o666, 1001, 2001, "alice's")
	before := v.tree()
	for _, c := range []struct{ op, ap, key string }{
		{"DELETE", "bob", "ro/bobs"},      // his file, her directory
		{"PUT", "bob", "ro/new"},          // likewise
		{"DELETE", "bob", "tmp/alices"},   // sticky
		{"PUT", "bob", "tmp/alices"},      // sticky: no replacing either
		{"DELETE", "carol", "ro/bobs"},    // group 1001 is not the dir's group
		{"DELETE", "carol", "tmp/alices"}, // group membership is not ownership
	} {
		v.want(c.op, c.ap, c.key, "AccessDenied")
	}
	if after := v.tree(); after != before {
		v.t.Errorf("denied deletes changed the volume:\n%s\nwas:\n%s", after, before)
	}
	v.want("PUT", "bob", "tmp/bobs", "")
	v.want("DELETE", "alice", "ro/bobs", "")
	v.want("DELETE", "alice", "tmp/alices", "")
	v.want("DELETE", "bob", "tmp/bobs", "")
	for _, rel := range []string{"ro/bobs", "tmp/alices", "tmp/bobs"} {
		if _, err := os.Lstat(filepath.Join(v.dir, rel)); !os.IsNotExist(err) {
			v.t.Errorf("%s still there: %v", rel, err)
		}
	}
	v.wantOwner("tmp", 0, 0, 0o1777) // a directory made beside S3 stays
}

// idRoot: uid 0 reads a 0000 file and writes into another user's 0755
// directory, as root on an NFS export without root squashing.
func idRoot(v *idVol) {
	v.mkdir("home", 0o755, 1001, 2001)
	v.file("home/secret", 0o000, 1001, 2001, "top secret")
	v.want("GET", "alice", "home/secret", "AccessDenied")
	if got, err := v.get("root", "home/secret"); err != nil || got != "top secret" {
		v.t.Errorf("root GET 0000 file: %q, %v", got, err)
	}
	v.want("PUT", "bob", "home/byroot", "AccessDenied")
	v.want("PUT", "root", "home/byroot", "")
	v.wantOwner("home/byroot", 0, 0, 0o644)
	v.want("DELETE", "root", "home/secret", "")
}

// idEnforcement is what /_fsxd/health says is enforcing permissions.
func idEnforcement(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url + "/_fsxd/health")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct{ Enforcement string }
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	return body.Enforcement
}
