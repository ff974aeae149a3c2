package nameservice

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"
)

// File is the content of a per-SVM file (see the package documentation).
type File struct {
	Users        []User        `json:",omitempty"`
	Groups       []Group       `json:",omitempty"`
	NameMappings []NameMapping `json:",omitempty"`
	// DefaultUnixUser: nil means ONTAP's default, "pcuser"; "" means none.
	DefaultUnixUser *string `json:",omitempty"`
}

// User is a local UNIX user of an SVM.
type User struct {
	Name string
	UID  uint32 `json:"Uid"`
	GID  uint32 `json:"Gid"`
}

// Group is a local UNIX group of an SVM.
type Group struct {
	Name    string
	GID     uint32   `json:"Gid"`
	Members []string `json:",omitempty"`
}

// NameMapping is one win-unix name-mapping rule.
type NameMapping struct {
	Pattern     string
	Replacement string
}

// ontapDefaultUser is the default UNIX user of an ONTAP CIFS server.
const ontapDefaultUser = "pcuser"

// table is a parsed per-SVM file.
type table struct {
	users       map[string]user
	groups      []group
	rules       []rule
	defaultUser string
}

type user struct{ uid, gid uint32 }

type group struct {
	gid     uint32
	members map[string]bool
}

type rule struct {
	re   *regexp.Regexp
	tmpl string // Go Expand template
}

// emptyTable is what an SVM without a file has: ONTAP's defaults only.
var emptyTable = &table{defaultUser: ontapDefaultUser}

func parseTable(b []byte) (*table, error) {
	var f File
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields() // a misspelt key would silently do nothing
	if err := dec.Decode(&f); err != nil {
		return nil, err
	}
	t := &table{users: map[string]user{}, defaultUser: ontapDefaultUser}
	if f.DefaultUnixUser != nil {
		t.defaultUser = *f.DefaultUnixUser
	}
	for _, u := range f.Users {
		if u.Name == "" {
			return nil, errors.New("a user has no Name")
		}
		t.users[u.Name] = user{u.UID, u.GID}
	}
	for _, g := range f.Groups {
		t.groups = append(t.groups, group{g.GID, memberSet(g.Members)})
	}
	for i, m := range f.NameMappings {
		// Windows names are case-insensitive; ONTAP matches the whole name.
		re, err := regexp.Compile("^(?i:" + m.Pattern + ")$")
		if err != nil {
			return nil, fmt.Errorf("NameMappings[%d]: %v", i, err)
		}
		t.rules = append(t.rules, rule{re, expandTemplate(m.Replacement)})
	}
	return t, nil
}

func memberSet(names []string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// expandTemplate turns ONTAP's \1 back-references into regexp's ${1}, and
// escapes $ so a literal dollar in a user name stays literal.
func expandTemplate(repl string) string {
	var b strings.Builder
	for i := 0; i < len(repl); i++ {
		c := repl[i]
		switch {
		case c == '$':
			b.WriteString("$$")
		case c == '\\' && i+1 < len(repl) && repl[i+1] >= '0' && repl[i+1] <= '9':
			b.WriteString("${" + string(repl[i+1]) + "}")
			i++
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// fileCache re-reads a file only when its modification time or size
// changes: operators edit these files while fsxd runs.
type fileCache[T any] struct {
	mu      sync.Mutex
	entries map[string]*cacheEntry[T]
}

type cacheEntry[T any] struct {
	mod  time.Time
	size int64
	val  T
}

// get returns path parsed, missing when it does not exist, or, when the
// current content is malformed, the last content that parsed.
func (c *fileCache[T]) get(path string, parse func([]byte) (T, error), missing T) (T, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[string]*cacheEntry[T]{}
	}
	old := c.entries[path]
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		delete(c.entries, path)
		return missing, nil
	}
	if err != nil {
		return missing, err
	}
	if old != nil && old.mod.Equal(st.ModTime()) && old.size == st.Size() {
		return old.val, nil
	}
	b, err := os.ReadFile(path)
	if err == nil {
		var v T
		if v, err = parse(b); err == nil {
			c.entries[path] = &cacheEntry[T]{st.ModTime(), st.Size(), v}
			return v, nil
		}
	}
	if old != nil {
		return old.val, nil
	}
	return missing, fmt.Errorf("nameservice: %s: %w", path, err)
}
