package server

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/fsxd/fsxd/internal/mountinfo"
)

// TestWarnLocalLocks: a path on an NFS mount that keeps flock locks local
// gets one warning per mount naming the path and why; shared NFS locks,
// local file systems and paths that cannot be looked at get none. The
// mounts are lines as the kernel writes them (this machine has no NFS).
func TestWarnLocalLocks(t *testing.T) {
	line := map[string]string{
		"/data":      `36 26 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw,discard`,
		"/data/fs":   `98 36 0:52 / /data/fs rw,relatime - nfs4 filer:/export rw,vers=4.2,hard,local_lock=flock,addr=10.0.0.5`,
		"/data/fs/x": `98 36 0:52 / /data/fs rw,relatime - nfs4 filer:/export rw,vers=4.2,hard,local_lock=flock,addr=10.0.0.5`,
		"/imports":   `99 36 0:53 / /imports rw,relatime - nfs4 filer:/imports rw,vers=4.2,hard,local_lock=none`,
	}
	of := func(p string) (mountinfo.Mount, error) {
		m, ok := mountinfo.Parse(line[p])
		if !ok {
			return m, errors.New("no such path")
		}
		return m, nil
	}
	var buf bytes.Buffer
	warnLocalLocks(slog.New(slog.NewTextHandler(&buf, nil)), []string{"/data", "/data/fs", "/data/fs/x", "/imports", "/gone"}, of)
	out := buf.String()
	if n := strings.Count(out, "level=WARN"); n != 1 {
		t.Fatalf("%d warnings, want 1 (one per mount):\n%s", n, out)
	}
	for _, want := range []string{"path=/data/fs ", "mount=/data/fs", `why="nfs4 mounted with local_lock=flock"`} {
		if !strings.Contains(out, want) {
			t.Errorf("warning lacks %s:\n%s", want, out)
		}
	}
}
