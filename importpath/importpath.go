// Package importpath decides which host directories may become volumes
// through the fsxd:import-path tag. The decision is the operator's, never
// the API caller's: the operator declares import roots (fsxd serve
// --import-root), and a tag may only name a directory strictly below one of
// them. Without roots, imports are off.
//
// Every path is resolved (symlinks, "..") before it is compared, so a link
// below a root that points elsewhere is judged by where it points. System
// trees (/proc, /sys, /dev, /etc, /boot, /run), "/" and fsxd's own data
// directory can never be a root nor an import, whatever the flags say.
package importpath

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Flag names the operator's setting in messages, so a refused caller knows
// whom to ask and what for.
const Flag = "fsxd serve --import-root"

// systemDirs are never importable, nor anything below them: they are the
// host's configuration and kernel interfaces, not data.
var systemDirs = []string{"/proc", "/sys", "/dev", "/etc", "/boot", "/run"}

// Error is a refused import; Reason is fit for the API caller (it names
// no server path the caller did not send).
type Error struct{ Reason string }

func (e *Error) Error() string { return e.Reason }

func refuse(format string, args ...any) error {
	return &Error{Reason: fmt.Sprintf(format, args...)}
}

// Roots is the operator's set of import roots, resolved at start-up.
type Roots struct {
	roots []string // resolved, absolute
	data  []string // the data directory: as given (absolute) and resolved
	sys   []string // systemDirs and where they resolve to
}

// New checks the declared roots against dataDir and resolves them. A root
// must be an existing directory that is not "/", not a system tree, and
// neither inside nor around the data directory. No roots is valid: imports
// are then refused.
func New(roots []string, dataDir string) (*Roots, error) {
	r := &Roots{sys: resolvedAll(systemDirs)}
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return nil, fmt.Errorf("data directory %s: %w", dataDir, err)
	}
	r.data = resolvedAll([]string{abs})
	for _, root := range roots {
		res, err := r.root(root)
		if err != nil {
			return nil, fmt.Errorf("--import-root %s: %w", root, err)
		}
		r.roots = append(r.roots, res)
	}
	return r, nil
}

// root validates one declared root and returns it resolved.
func (r *Roots) root(root string) (string, error) {
	if !filepath.IsAbs(root) {
		return "", errors.New("want an absolute path")
	}
	res, err := filepath.EvalSymlinks(root)
	if err != nil {
		return "", err
	}
	if fi, err := os.Stat(res); err != nil || !fi.IsDir() {
		return "", errors.New("not a directory")
	}
	if err := r.forbidden(res); err != nil {
		return "", err
	}
	return res, nil
}

// Enabled reports whether the operator declared any root.
func (r *Roots) Enabled() bool { return len(r.roots) > 0 }

// Check judges the path an import tag names and returns the directory to
// use (resolved), or an *Error saying why not.
//
// A path that does not resolve outside every root is reported as "not
// below a root", not as missing: callers must not learn which host paths
// exist.
func (r *Roots) Check(path string) (string, error) {
	if !filepath.IsAbs(path) {
		return "", refuse("the path must be absolute")
	}
	if !r.Enabled() {
		return "", refuse("imports are disabled on this server; the operator allows them below chosen directories with %s DIR", Flag)
	}
	res, err := filepath.EvalSymlinks(path)
	if err != nil {
		if r.below(filepath.Clean(path)) {
			return "", refuse("the directory does not exist")
		}
		return "", r.notBelow()
	}
	if err := r.allowed(res); err != nil {
		return "", err
	}
	if fi, err := os.Stat(res); err != nil || !fi.IsDir() {
		return "", refuse("not a directory")
	}
	return res, nil
}

// Serves re-checks a stored volume directory (at load, on health checks):
// a directory inside the data directory is fsxd's own and always served;
// any other one came from an import and must still be allowed, so a root
// the operator removed stops serving. A missing tail is judged by its
// nearest existing ancestor (a child volume not yet created).
func (r *Roots) Serves(dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	for _, d := range r.data {
		if within(d, abs) {
			return nil
		}
	}
	res := resolveExisting(abs)
	for _, d := range r.data {
		if within(d, res) {
			return nil
		}
	}
	return r.allowed(res)
}

// allowed is the rule for a resolved path: not forbidden, strictly below
// a root.
func (r *Roots) allowed(res string) error {
	if err := r.forbidden(res); err != nil {
		return err
	}
	if !r.below(res) {
		return r.notBelow()
	}
	return nil
}

func (r *Roots) notBelow() error {
	return refuse("the directory is not strictly below an import root the operator allowed (%s)", Flag)
}

// forbidden refuses "/", system trees and the data directory (inside it or
// around it) for a resolved path.
func (r *Roots) forbidden(res string) error {
	if res == "/" {
		return refuse("the file system root can never be imported")
	}
	for _, s := range r.sys {
		if within(s, res) {
			return refuse("%s is a system directory and can never be imported", s)
		}
	}
	for _, d := range r.data {
		if within(d, res) || within(res, d) {
			return refuse("the directory must lie outside the fsxd data directory")
		}
	}
	return nil
}

// below reports whether p lies strictly below one of the roots.
func (r *Roots) below(p string) bool {
	for _, root := range r.roots {
		if p != root && within(root, p) {
			return true
		}
	}
	return false
}

// within reports whether path is root or below it (lexically, on clean
// absolute paths).
func within(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// resolvedAll returns each path and, when different, where it resolves.
func resolvedAll(paths []string) []string {
	var out []string
	for _, p := range paths {
		out = append(out, p)
		if res, err := filepath.EvalSymlinks(p); err == nil && res != p {
			out = append(out, res)
		}
	}
	return out
}

// resolveExisting resolves the longest existing prefix of the absolute
// path p and appends the rest unchanged.
func resolveExisting(p string) string {
	rest := ""
	for {
		res, err := filepath.EvalSymlinks(p)
		if err == nil {
			return filepath.Join(res, rest)
		}
		parent := filepath.Dir(p)
		if parent == p || !errors.Is(err, fs.ErrNotExist) {
			return filepath.Join(p, rest) // unresolvable: judged as written
		}
		rest = filepath.Join(filepath.Base(p), rest)
		p = parent
	}
}

// None is the set without roots: every import is refused, and only
// volumes inside dataDir are served. It cannot fail.
func None(dataDir string) *Roots {
	r, err := New(nil, dataDir)
	if err != nil { // only when the working directory is gone
		abs := filepath.Clean(dataDir)
		r = &Roots{sys: resolvedAll(systemDirs), data: []string{abs}}
	}
	return r
}
