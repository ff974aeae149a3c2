package nameservice

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/fsxd/fsxd"
)

// Resolver resolves attachment identities. The zero value reads the host's
// /etc/passwd and /etc/group and no per-SVM files. It is safe for
// concurrent use; do not copy it after first use.
type Resolver struct {
	DataDir string // per-SVM files live in DataDir/nameservice
	Passwd  string // default /etc/passwd
	Group   string // default /etc/group

	tables    fileCache[*table]
	passwd    fileCache[map[string]user]
	hostGroup fileCache[[]group]
}

// ErrUnresolved says an identity does not resolve. Msg is meant for people
// (it becomes the attachment's LifecycleTransitionReason).
type ErrUnresolved struct{ Msg string }

func (e *ErrUnresolved) Error() string { return e.Msg }

func unresolved(format string, args ...any) error {
	return &ErrUnresolved{Msg: fmt.Sprintf(format, args...)}
}

// Path is the per-SVM file of svmID.
func (r *Resolver) Path(svmID string) string {
	return filepath.Join(r.DataDir, "nameservice", svmID+".json")
}

// Resolve returns the POSIX identity of a's FileSystemIdentity. svmID is
// the SVM of a's volume (ignored for POSIX identities). The error is an
// *ErrUnresolved when the name service answers "no such user"; any other
// error (an unreadable file) is worth retrying.
func (r *Resolver) Resolve(svmID string, a *fsxd.Attachment) (fsxd.PosixIdentity, error) {
	switch a.IdentityType {
	case fsxd.IdentityPOSIX:
		if a.Posix == nil {
			return fsxd.PosixIdentity{}, unresolved("the POSIX identity has no PosixUser")
		}
		id := *a.Posix
		id.Groups = slices.Clone(id.Groups)
		return id, nil
	case fsxd.IdentityUNIX, fsxd.IdentityWINDOWS:
		src, err := r.load(svmID)
		if err != nil {
			return fsxd.PosixIdentity{}, err
		}
		if a.IdentityType == fsxd.IdentityUNIX {
			return src.unix(svmID, a.UserName)
		}
		return src.windows(svmID, a.UserName)
	}
	return fsxd.PosixIdentity{}, unresolved("unknown identity type %q", a.IdentityType)
}

// sources is one consistent view of the name service for one resolution.
type sources struct {
	svm        *table
	hostUsers  map[string]user
	hostGroups []group
}

func (r *Resolver) load(svmID string) (*sources, error) {
	if svmID == "" || strings.ContainsAny(svmID, `/\`) {
		return nil, fmt.Errorf("nameservice: bad SVM id %q", svmID)
	}
	t, err := r.tables.get(r.Path(svmID), parseTable, emptyTable)
	if err != nil {
		return nil, err
	}
	users, err := r.passwd.get(orDefault(r.Passwd, "/etc/passwd"), parsePasswd, nil)
	if err != nil {
		return nil, err
	}
	groups, err := r.hostGroup.get(orDefault(r.Group, "/etc/group"), parseGroup, nil)
	if err != nil {
		return nil, err
	}
	return &sources{t, users, groups}, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// unix resolves a UNIX user name: SVM file, host, ONTAP's built-in users.
func (s *sources) unix(svmID, name string) (fsxd.PosixIdentity, error) {
	u, ok := s.svm.users[name]
	if !ok {
		u, ok = s.hostUsers[name]
	}
	if !ok {
		u, ok = builtinUsers[name]
	}
	if !ok {
		return fsxd.PosixIdentity{}, unresolved("UNIX user %s not found in the name service of %s", name, svmID)
	}
	id := fsxd.PosixIdentity{UID: u.uid, GID: u.gid}
	for _, list := range [][]group{s.svm.groups, s.hostGroups} {
		for _, g := range list {
			if g.members[name] && g.gid != u.gid && !slices.Contains(id.Groups, g.gid) {
				id.Groups = append(id.Groups, g.gid)
			}
		}
	}
	slices.Sort(id.Groups)
	return id, nil
}

// windows maps a Windows user name to a UNIX user, ONTAP's way (see the
// package documentation), and resolves that.
func (s *sources) windows(svmID, name string) (fsxd.PosixIdentity, error) {
	for i, r := range s.svm.rules {
		m := r.re.FindStringSubmatchIndex(name)
		if m == nil {
			continue
		}
		unix := string(r.re.ExpandString(nil, r.tmpl, name, m))
		id, err := s.unix(svmID, unix)
		if err != nil {
			return id, unresolved("Windows user %s maps to UNIX user %q by name mapping %d of %s, which is not found in its name service", name, unix, i+1, svmID)
		}
		return id, nil
	}
	if hasDomain(name) {
		return fsxd.PosixIdentity{}, unresolved("Windows user %s has a domain and no name mapping of %s matches it; use the name without the domain or add a name mapping", name, svmID)
	}
	if id, err := s.unix(svmID, name); err == nil {
		return id, nil
	}
	if s.svm.defaultUser != "" {
		if id, err := s.unix(svmID, s.svm.defaultUser); err == nil {
			return id, nil
		}
	}
	return fsxd.PosixIdentity{}, unresolved("Windows user %s is not mapped to a UNIX user by the name service of %s", name, svmID)
}

// hasDomain reports a down-level (DOMAIN\user) or UPN (user@domain) name.
func hasDomain(name string) bool { return strings.ContainsAny(name, `\@`) }
