package nameservice

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"
)

// The host's passwd and group databases, parsed from the files rather than
// through os/user: the paths are configurable (tests, containers with a
// separate /etc), and os/user cannot enumerate a user's groups from a chosen
// file.

// parsePasswd reads name:passwd:uid:gid:... lines. Comments, blank lines,
// NIS "+"/"-" entries and malformed lines are skipped, as glibc does; the
// first entry of a name wins.
func parsePasswd(b []byte) (map[string]user, error) {
	users := map[string]user{}
	eachRecord(b, func(f []string) {
		if len(f) < 4 {
			return
		}
		uid, err1 := parseID(f[2])
		gid, err2 := parseID(f[3])
		if err1 == nil && err2 == nil {
			if _, dup := users[f[0]]; !dup {
				users[f[0]] = user{uid, gid}
			}
		}
	})
	return users, nil
}

// parseGroup reads name:passwd:gid:member,member lines.
func parseGroup(b []byte) ([]group, error) {
	var groups []group
	eachRecord(b, func(f []string) {
		if len(f) < 4 {
			return
		}
		gid, err := parseID(f[2])
		if err != nil {
			return
		}
		var members []string
		if f[3] != "" {
			members = strings.Split(f[3], ",")
		}
		groups = append(groups, group{gid, memberSet(members)})
	})
	return groups, nil
}

func eachRecord(b []byte, fn func(fields []string)) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == '+' || line[0] == '-' {
			continue
		}
		f := strings.Split(line, ":")
		if f[0] == "" {
			continue
		}
		fn(f)
	}
}

func parseID(s string) (uint32, error) {
	n, err := strconv.ParseUint(strings.TrimSpace(s), 10, 32)
	return uint32(n), err
}

// builtinUsers are the local UNIX users ONTAP creates in every SVM. They
// are the last resort, after the SVM's file and the host.
var builtinUsers = map[string]user{
	"root":   {0, 1},
	"pcuser": {65534, 65534},
	"nobody": {65535, 65535},
}
