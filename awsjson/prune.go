package awsjson

// AWS JSON member names are case-sensitive: AWS's front end ignores a
// member it does not know, and "FileSYstemTYpe" is one it does not know.
// encoding/json matches names case-insensitively (and by Unicode folding),
// so a body is first pruned, against the shape it will be decoded into, to
// the members that shape names exactly. Map keys are data, never member
// names, and pass untouched.

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
)

// prune returns body without the members, at any depth, that t does not
// name exactly. Whatever is not what t expects (malformed JSON, an array
// where an object belongs) is left as it is, for json.Unmarshal to report.
// A member given twice keeps its last value, whole.
func prune(body []byte, t reflect.Type) []byte {
	if t == nil || plain(t) {
		return body // nothing to prune, or (nil) nothing to decode into
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		fields := members(t)
		return pruneObject(body, func(name string) (reflect.Type, bool) {
			ft, ok := fields[name]
			return ft, ok
		})
	case reflect.Map:
		return pruneObject(body, func(string) (reflect.Type, bool) { return t.Elem(), true })
	case reflect.Slice, reflect.Array:
		return pruneArray(body, t.Elem())
	}
	return body
}

// pruneObject keeps the members member accepts, each pruned to its type.
func pruneObject(body []byte, member func(string) (reflect.Type, bool)) []byte {
	var m map[string]json.RawMessage // raw values: numbers keep their digits
	if !startsWith(body, '{') || json.Unmarshal(body, &m) != nil {
		return body
	}
	for name, v := range m {
		if t, ok := member(name); ok {
			m[name] = prune(v, t)
		} else {
			delete(m, name)
		}
	}
	out, err := json.Marshal(m)
	if err != nil {
		return body
	}
	return out
}

func pruneArray(body []byte, elem reflect.Type) []byte {
	var a []json.RawMessage
	if !startsWith(body, '[') || json.Unmarshal(body, &a) != nil {
		return body
	}
	for i, v := range a {
		a[i] = prune(v, elem)
	}
	out, err := json.Marshal(a)
	if err != nil {
		return body
	}
	return out
}

func startsWith(body []byte, c byte) bool {
	body = bytes.TrimLeft(body, " \t\r\n")
	return len(body) > 0 && body[0] == c
}

// plain reports whether a value of t can hold no member names, so its JSON
// passes as it is: scalars, and containers of them.
func plain(t reflect.Type) bool {
	for !opaque(t) {
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
			t = t.Elem()
		case reflect.Struct:
			return false
		default:
			return true
		}
	}
	return true
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// opaque types read their JSON themselves (Time, json.RawMessage): what
// looks like members inside is theirs to judge.
func opaque(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return p.Implements(jsonUnmarshaler) || p.Implements(textUnmarshaler)
}

// memberCache maps a struct type to its exact member names and their types.
var memberCache sync.Map // reflect.Type -> map[string]reflect.Type

func members(t reflect.Type) map[string]reflect.Type {
	if m, ok := memberCache.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	m := map[string]reflect.Type{}
	addMembers(m, t, map[reflect.Type]bool{})
	memberCache.Store(t, m)
	return m
}

// addMembers names t's members as encoding/json does: the json tag's name
// or the field's, fields of untagged embedded structs promoted unless a
// shallower field has the name.
func addMembers(m map[string]reflect.Type, t reflect.Type, seen map[reflect.Type]bool) {
	if seen[t] {
		return
	}
	seen[t] = true
	var embedded []reflect.Type
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch {
		case f.Anonymous && name == "" && ft.Kind() == reflect.Struct:
			embedded = append(embedded, ft)
			continue
		case !f.IsExported():
			continue
		case name == "":
			name = f.Name
		}
		if _, dup := m[name]; dup {
			continue
		}
		if strings.Contains(","+opts+",", ",string,") {
			m[name] = reflect.TypeFor[string]() // the value is quoted: a scalar
		} else {
			m[name] = f.Type
		}
	}
	for _, e := range embedded {
		addMembers(m, e, seen)
	}
}
