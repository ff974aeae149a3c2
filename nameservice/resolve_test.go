package nameservice

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fsxd/fsxd"
)

const svm = "svm-0123456789abcdef0"

const passwdFile = `# host users
root:x:0:0:root:/root:/bin/bash
alice:x:1001:2001::/home/alice:/bin/sh
bob:x:1002:2002::/home/bob:/bin/sh
alice:x:9999:9999:duplicate, ignored:/:/bin/sh
broken line
+nisuser::::::
carol:x:notanumber:1::/:/bin/sh
`

const groupFile = `root:x:0:
alice:x:2001:
eng:x:3001:alice,bob
ops:x:3002:bob
wheel:x:10:alice
dup:x:3001:alice
`

const svmFile = `{
  "Users": [
    {"Name": "dave", "Uid": 5001, "Gid": 6001},
    {"Name": "bob", "Uid": 7002, "Gid": 8002}
  ],
  "Groups": [
    {"Name": "svmgrp", "Gid": 6100, "Members": ["dave", "alice"]},
    {"Name": "primary", "Gid": 6001, "Members": ["dave"]}
  ],
  "NameMappings": [
    {"Pattern": "CORP\\\\(.+)", "Replacement": "\\1"},
    {"Pattern": "admin.*", "Replacement": "root"},
    {"Pattern": "ghost", "Replacement": "nosuchuser"},
    {"Pattern": "(x)(y)", "Replacement": "d\\2\\1$"}
  ],
  "DefaultUnixUser": "bob"
}`

func newResolver(t *testing.T, svmJSON string) *Resolver {
	t.Helper()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "passwd"), passwdFile)
	write(t, filepath.Join(dir, "group"), groupFile)
	r := &Resolver{DataDir: dir, Passwd: filepath.Join(dir, "passwd"), Group: filepath.Join(dir, "group")}
	if svmJSON != "" {
		write(t, r.Path(svm), svmJSON)
	}
	return r
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func id(uid, gid uint32, groups ...uint32) fsxd.PosixIdentity {
	return fsxd.PosixIdentity{UID: uid, GID: gid, Groups: groups}
}

func unixUser(name string) *fsxd.Attachment {
	return &fsxd.Attachment{IdentityType: fsxd.IdentityUNIX, UserName: name}
}

func winUser(name string) *fsxd.Attachment {
	return &fsxd.Attachment{IdentityType: fsxd.IdentityWINDOWS, UserName: name}
}

func TestResolve(t *testing.T) {
	posix := &fsxd.Attachment{IdentityType: fsxd.IdentityPOSIX, Posix: &fsxd.PosixIdentity{UID: 1, GID: 2, Groups: []uint32{3, 4}}}
	tests := []struct {
		name    string
		svmJSON string
		a       *fsxd.Attachment
		want    fsxd.PosixIdentity
		fail    string // substring of the ErrUnresolved message
	}{
		{"posix as given", "", posix, id(1, 2, 3, 4), ""},
		{"posix without user", "", &fsxd.Attachment{IdentityType: fsxd.IdentityPOSIX}, id(0, 0), "no PosixUser"},
		{"host user, groups from members", "", unixUser("alice"), id(1001, 2001, 10, 3001), ""},
		{"host user, other groups", "", unixUser("bob"), id(1002, 2002, 3001, 3002), ""},
		{"host root", "", unixUser("root"), id(0, 0), ""},
		{"svm user wins over host", svmFile, unixUser("bob"), id(7002, 8002, 3001, 3002), ""},
		{"svm user, svm groups, primary not repeated", svmFile, unixUser("dave"), id(5001, 6001, 6100), ""},
		{"host user gets svm groups too", svmFile, unixUser("alice"), id(1001, 2001, 10, 3001, 6100), ""},
		{"ontap builtin pcuser", "", unixUser("pcuser"), id(65534, 65534), ""},
		{"ontap builtin nobody", "", unixUser("nobody"), id(65535, 65535), ""},
		{"unknown unix user", "", unixUser("mallory"), id(0, 0), "UNIX user mallory not found in the name service of " + svm},
		{"malformed passwd line ignored", "", unixUser("carol"), id(0, 0), "not found"},
		{"names are case-sensitive", "", unixUser("Alice"), id(0, 0), "not found"},
		{"windows: domain rule", svmFile, winUser(`CORP\dave`), id(5001, 6001, 6100), ""},
		{"windows: rules are case-insensitive", svmFile, winUser(`corp\dave`), id(5001, 6001, 6100), ""},
		{"windows: rule to root", svmFile, winUser("Administrator"), id(0, 0), ""},
		{"windows: first match wins, target unknown", svmFile, winUser("ghost"), id(0, 0), `maps to UNIX user "nosuchuser" by name mapping 3`},
		{"windows: back-references, literal $", svmFile, winUser("xy"), id(0, 0), `"dyx$"`},
		{"windows: implicit mapping", svmFile, winUser("alice"), id(1001, 2001, 10, 3001, 6100), ""},
		{"windows: default user", svmFile, winUser("stranger"), id(7002, 8002, 3001, 3002), ""},
		{"windows: ontap default pcuser without file", "", winUser("stranger"), id(65534, 65534), ""},
		{"windows: no default", `{"DefaultUnixUser": ""}`, winUser("stranger"), id(0, 0), "Windows user stranger is not mapped"},
		{"windows: domain without rule", "", winUser(`OTHER\alice`), id(0, 0), "has a domain and no name mapping"},
		{"windows: upn without rule", "", winUser("alice@corp.example"), id(0, 0), "has a domain"},
		{"windows: domain not matched by rule", svmFile, winUser(`OTHER\dave`), id(0, 0), "has a domain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newResolver(t, tt.svmJSON)
			got, err := r.Resolve(svm, tt.a)
			if tt.fail != "" {
				var ue *ErrUnresolved
				if !errors.As(err, &ue) || !strings.Contains(ue.Msg, tt.fail) {
					t.Fatalf("err = %v, want ErrUnresolved containing %q", err, tt.fail)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestPosixIsACopy(t *testing.T) {
	a := &fsxd.Attachment{IdentityType: fsxd.IdentityPOSIX, Posix: &fsxd.PosixIdentity{UID: 1, Groups: []uint32{5}}}
	got, _ := new(Resolver).Resolve("", a)
	got.Groups[0] = 6
	if a.Posix.Groups[0] != 5 {
		t.Fatal("Resolve aliased the attachment's groups")
	}
}

// TestReload: edits apply without a restart; a malformed edit keeps the
// last good version; removing the file drops the local entries.
func TestReload(t *testing.T) {
	r := newResolver(t, `{"Users":[{"Name":"erin","Uid":1,"Gid":1}]}`)
	check := func(step string, wantOK bool) {
		t.Helper()
		_, err := r.Resolve(svm, unixUser("erin"))
		if ok := err == nil; ok != wantOK {
			t.Fatalf("%s: err = %v, want resolved=%v", step, err, wantOK)
		}
	}
	check("initial", true)
	touch(t, r.Path(svm), `{"Users":[]}`)
	check("user removed", false)
	touch(t, r.Path(svm), `{"Users":[{"Name":"erin","Uid":1,"Gid":1}]}`)
	check("user restored", true)
	touch(t, r.Path(svm), `{"Users":[{"Name":`)
	check("malformed edit keeps last good", true)
	os.Remove(r.Path(svm))
	check("file removed", false)
}

// touch rewrites a file with a distinct modification time, as an editor
// saving twice within one clock tick still changes the size or the time.
func touch(t *testing.T, path, content string) {
	t.Helper()
	write(t, path, content)
	future := time.Now().Add(time.Duration(len(content)) * time.Millisecond)
	os.Chtimes(path, future, future)
}

func TestMalformedFileWithoutGoodVersion(t *testing.T) {
	for _, content := range []string{
		`{"Users": [`,
		`{"Userz": []}`,
		`{"NameMappings": [{"Pattern": "(", "Replacement": ""}]}`,
		`{"Users": [{"Uid": 1}]}`,
	} {
		r := newResolver(t, content)
		_, err := r.Resolve(svm, unixUser("root"))
		var ue *ErrUnresolved
		if err == nil || errors.As(err, &ue) {
			t.Errorf("%s: err = %v, want a plain (transient) error", content, err)
		}
	}
}

func TestBadSVMID(t *testing.T) {
	_, err := new(Resolver).Resolve("../etc", unixUser("root"))
	if err == nil {
		t.Fatal("want error for an SVM id with a path separator")
	}
}

func TestMissingHostFiles(t *testing.T) {
	dir := t.TempDir()
	r := &Resolver{DataDir: dir, Passwd: filepath.Join(dir, "none"), Group: filepath.Join(dir, "none")}
	got, err := r.Resolve(svm, unixUser("root"))
	if err != nil || !reflect.DeepEqual(got, id(0, 1)) {
		t.Fatalf("got %+v, %v; want ONTAP's builtin root 0:1", got, err)
	}
}
