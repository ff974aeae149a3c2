// Package mountinfo tells whether the file system under a path keeps
// flock locks to this machine. fsxd's cross-node guarantees (one end per
// multipart upload, If-Match writes and deletes, the temp-file sweep) rest
// on flock locks that every node sees; an NFS mount made with nolock or
// local_lock=flock|all keeps them local, silently.
package mountinfo

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Mount is one line of /proc/self/mountinfo.
type Mount struct {
	Dev     string // major:minor
	Point   string
	FSType  string
	Options []string // the mount's options, then its file system's
}

// Of returns the mount that holds path, found by its device number.
func Of(path string) (Mount, error) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return Mount{}, err
	}
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return Mount{}, err
	}
	defer f.Close()
	return find(f, fmt.Sprintf("%d:%d", unix.Major(st.Dev), unix.Minor(st.Dev)))
}

// find returns the last mount of device dev in r: bind mounts of one file
// system share its options, and a later mount over an earlier one wins.
func find(r io.Reader, dev string) (Mount, error) {
	var found Mount
	ok := false
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if m, good := Parse(sc.Text()); good && m.Dev == dev {
			found, ok = m, true
		}
	}
	if err := sc.Err(); err != nil {
		return Mount{}, err
	}
	if !ok {
		return Mount{}, fmt.Errorf("mountinfo: no mount of device %s", dev)
	}
	return found, nil
}

// Parse reads one mountinfo line (proc(5)): id, parent, major:minor, root,
// mount point, mount options, optional fields up to "-", then the file
// system type, the source and the super options.
func Parse(line string) (Mount, bool) {
	f := strings.Fields(line)
	sep := -1
	for i := 6; i < len(f); i++ {
		if f[i] == "-" {
			sep = i
			break
		}
	}
	if sep < 0 || len(f) < sep+4 || !strings.Contains(f[2], ":") {
		return Mount{}, false
	}
	m := Mount{Dev: f[2], Point: unescape(f[4]), FSType: f[sep+1]}
	m.Options = append(strings.Split(f[5], ","), strings.Split(f[sep+3], ",")...)
	return m, true
}

// unescape undoes the kernel's octal escapes (\040 for a space, ...).
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// LocalFlock says why flock locks on m are seen by this machine only, or
// "" when nothing says so. Only NFS is known to do this silently: nolock
// (NFSv2/3) and local_lock=flock or all keep flock locks in this kernel.
func (m Mount) LocalFlock() string {
	if m.FSType != "nfs" && m.FSType != "nfs4" {
		return ""
	}
	for _, o := range m.Options {
		switch o {
		case "nolock", "local_lock=flock", "local_lock=all":
			return m.FSType + " mounted with " + o
		}
	}
	return ""
}
