package idempotency

// A request's parameters are compared as canonical JSON, which is also
// what is stored with the token, so that a later mismatch can be named.
// Sensitive members are masked in both (mask.go).

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
)

// canonical is the request as JSON without its token, its sensitive
// members masked (mask.go), with its top-level keys sorted: the same
// parameters always give the same bytes (nested structures marshal in
// declaration order, or sorted where a member was masked, which is as
// fixed).
func canonical(req any, mask Mask) ([]byte, error) {
	b, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	if b, _, err = masked(reflect.TypeOf(req), b, mask); err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage // raw values: numbers keep their digits
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	delete(m, Member)
	return json.Marshal(m) // maps marshal with sorted keys
}

// firstDiff names the first member, in declaration order, whose value
// differs between two canonical requests of type t, descending into
// structures ("OpenZFSConfiguration.VolumeId"). It never returns "": an
// IncompatibleParameterError always names something.
func firstDiff(t reflect.Type, a, b []byte) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var ma, mb map[string]json.RawMessage
	json.Unmarshal(a, &ma)
	json.Unmarshal(b, &mb)
	if t.Kind() != reflect.Struct {
		return Member
	}
	for i := range t.NumField() {
		f := t.Field(i)
		name := memberName(f)
		if name == Member || bytes.Equal(ma[name], mb[name]) {
			continue
		}
		if ma[name] != nil && mb[name] != nil && f.Type.Kind() == reflect.Pointer && f.Type.Elem().Kind() == reflect.Struct {
			if inner := firstDiff(f.Type, ma[name], mb[name]); inner != Member {
				return name + "." + inner
			}
		}
		return name
	}
	return Member
}

// memberName is f's name on the wire: its json tag's, else its own.
func memberName(f reflect.StructField) string {
	if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" {
		return name
	}
	return f.Name
}
