package volume

import (
	"strings"
	"unicode/utf8"
)

// Key limits: S3 caps keys at 1024 bytes; Linux caps a name at 255 bytes.
const (
	maxKeyLen  = 1024
	maxNameLen = 255
	// tempPrefix names in-flight uploads when O_TMPFILE is unavailable.
	// Keys using it are rejected so no client can read, list, or have
	// CleanTemp delete a file of that name.
	tempPrefix = ".fsxd-tmp-"
)

// Path is a key that is safe to resolve beneath a volume root: no empty,
// "." or ".." segment, no NUL, no leading "/". Only ParseKey builds one, so
// holding a Path is proof of that.
type Path struct {
	rel string // the key without its trailing "/"; never empty once parsed
	dir bool   // the key ended in "/"
}

// ParseKey validates an S3 key and returns its Path. Bytes are kept as
// they are (no Unicode normalisation, "\" is an ordinary byte); keys must
// be valid UTF-8 because S3 keys are, and listings must be XML-safe.
// A trailing "/" marks a directory key. Errors are *KeyError.
func ParseKey(key string) (Path, error) {
	switch {
	case key == "":
		return Path{}, &KeyError{"empty key"}
	case len(key) > maxKeyLen:
		return Path{}, &KeyError{"key longer than 1024 bytes"}
	case key[0] == '/':
		return Path{}, &KeyError{"leading slash"}
	case strings.IndexByte(key, 0) >= 0:
		return Path{}, &KeyError{"NUL byte"}
	case !utf8.ValidString(key):
		return Path{}, &KeyError{"not UTF-8"}
	}
	p := Path{rel: key}
	if strings.HasSuffix(key, "/") {
		p = Path{rel: key[:len(key)-1], dir: true}
	}
	for seg := range strings.SplitSeq(p.rel, "/") {
		if reason := badName(seg); reason != "" {
			return Path{}, &KeyError{reason}
		}
	}
	return p, nil
}

// badName says why seg cannot be a path component, or "" if it can.
func badName(seg string) string {
	switch {
	case seg == "":
		return "empty segment"
	case seg == "." || seg == "..":
		return `"." or ".." segment`
	case len(seg) > maxNameLen:
		return "segment longer than 255 bytes"
	case strings.HasPrefix(seg, tempPrefix):
		return "reserved name " + tempPrefix + "*"
	}
	return ""
}

// validName reports whether a directory entry name read from disk can be
// part of a key; Walk skips the rest so every listed key parses.
func validName(name string) bool {
	return badName(name) == "" && utf8.ValidString(name)
}

// String returns the key exactly as parsed.
func (p Path) String() string {
	if p.dir {
		return p.rel + "/"
	}
	return p.rel
}

// IsDir reports whether the key ended in "/" (a directory object).
func (p Path) IsDir() bool { return p.dir }

// Parent returns the directory key holding p ("a/b/" for "a/b/c"), and
// false for a top-level key, whose parent is the volume root.
func (p Path) Parent() (Path, bool) {
	i := strings.LastIndexByte(p.rel, '/')
	if i < 0 {
		return Path{}, false
	}
	return Path{rel: p.rel[:i], dir: true}, true
}

// Base returns the last segment, without any trailing "/".
func (p Path) Base() string {
	return p.rel[strings.LastIndexByte(p.rel, '/')+1:]
}

// dirRel is the parent's path relative to the root, "." for top level.
func (p Path) dirRel() string {
	if i := strings.LastIndexByte(p.rel, '/'); i >= 0 {
		return p.rel[:i]
	}
	return "."
}

// comps splits the parent's path into its segments (nil at top level).
func (p Path) parentComps() []string {
	i := strings.LastIndexByte(p.rel, '/')
	if i < 0 {
		return nil
	}
	return strings.Split(p.rel[:i], "/")
}

// check rejects the zero Path, the one Path not built by ParseKey.
func (p Path) check() error {
	if p.rel == "" {
		return &KeyError{"empty key"}
	}
	return nil
}
