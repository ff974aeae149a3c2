package mountinfo

import (
	"os"
	"strings"
	"testing"
)

// Lines as the kernel writes them (proc(5), and NFS mounts as mount.nfs
// leaves them: nolock appears beside local_lock in the super options).
const (
	ext4Line  = `36 26 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw,discard`
	nfsShared = `98 36 0:52 / /srv/fsx rw,relatime shared:50 - nfs4 filer:/export rw,vers=4.2,rsize=1048576,hard,proto=tcp,timeo=600,sec=sys,local_lock=none,addr=10.0.0.5`
	nfsFlock  = `99 36 0:53 / /srv/fsx\040two rw,relatime - nfs4 filer:/export rw,vers=4.1,hard,local_lock=flock,addr=10.0.0.5`
	nfsAll    = `100 36 0:54 / /srv/three rw,relatime master:3 - nfs4 filer:/x rw,vers=4.2,local_lock=all`
	nfs3NoLk  = `101 36 0:55 / /srv/v3 rw,relatime - nfs filer:/v3 rw,vers=3,hard,nolock,proto=tcp,local_lock=all,addr=10.0.0.6`
	nfs3Lock  = `102 36 0:56 / /srv/v3b rw,relatime - nfs filer:/v3 rw,vers=3,hard,proto=tcp,local_lock=none`
	cifsLine  = `103 36 0:57 / /srv/smb rw,relatime - cifs //filer/share rw,vers=3.1.1,nobrl`
)

func TestParseAndLocalFlock(t *testing.T) {
	tests := []struct {
		line, dev, point, fstype, local string
	}{
		{ext4Line, "254:0", "/", "ext4", ""},
		{nfsShared, "0:52", "/srv/fsx", "nfs4", ""},
		{nfsFlock, "0:53", "/srv/fsx two", "nfs4", "nfs4 mounted with local_lock=flock"},
		{nfsAll, "0:54", "/srv/three", "nfs4", "nfs4 mounted with local_lock=all"},
		{nfs3NoLk, "0:55", "/srv/v3", "nfs", "nfs mounted with nolock"},
		{nfs3Lock, "0:56", "/srv/v3b", "nfs", ""},
		{cifsLine, "0:57", "/srv/smb", "cifs", ""},
	}
	for _, tt := range tests {
		m, ok := Parse(tt.line)
		if !ok || m.Dev != tt.dev || m.Point != tt.point || m.FSType != tt.fstype {
			t.Errorf("Parse(%.40q) = %+v, %v", tt.line, m, ok)
			continue
		}
		if got := m.LocalFlock(); got != tt.local {
			t.Errorf("%s: LocalFlock = %q, want %q", tt.point, got, tt.local)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	for _, line := range []string{
		"",
		"36 26 254:0 / / rw,relatime", // no separator
		"36 26 254:0 / / rw,relatime - ext4 /dev/vda",   // no super options
		"36 26 2540 / / rw,relatime - ext4 /dev/vda rw", // no major:minor
		"- - - - - - - - -",
	} {
		if m, ok := Parse(line); ok {
			t.Errorf("Parse(%q) = %+v, want refused", line, m)
		}
	}
}

func TestFindTakesTheLastMountOfTheDevice(t *testing.T) {
	over := strings.Replace(nfsFlock, "0:53", "0:52", 1)
	m, err := find(strings.NewReader(ext4Line+"\n"+nfsShared+"\n"+over+"\n"), "0:52")
	if err != nil || m.LocalFlock() == "" {
		t.Fatalf("find = %+v, %v; want the later mount of 0:52", m, err)
	}
	if _, err := find(strings.NewReader(ext4Line+"\n"), "9:9"); err == nil {
		t.Error("find of a device with no mount: no error")
	}
}

// TestOfRealPath: the mount under a real directory is found by its
// device number, and a missing path is the stat's error.
func TestOfRealPath(t *testing.T) {
	m, err := Of(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if m.FSType == "" || m.Point == "" {
		t.Fatalf("Of = %+v", m)
	}
	if _, err := Of("/no/such/path"); !os.IsNotExist(err) {
		t.Errorf("Of a missing path: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, l := range []string{ext4Line, nfsShared, nfsFlock, nfs3NoLk, `1 2 3:4 / /a\0 o - t s o`} {
		f.Add(l)
	}
	f.Fuzz(func(t *testing.T, line string) {
		m, ok := Parse(line)
		if !ok {
			return
		}
		if !strings.Contains(m.Dev, ":") || m.FSType == "" || len(m.Options) == 0 {
			t.Fatalf("Parse(%q) = %+v", line, m)
		}
		_ = m.LocalFlock()
	})
}
