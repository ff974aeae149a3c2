package idempotency

// Sensitive members (the model's passwords, tagged fsx:"sensitive" on the
// generated shapes) are replaced before a request is hashed and kept, so
// the token table holds neither a password nor an unkeyed hash that a
// copied database could test guesses against.

import (
	"encoding/json"
	"reflect"
)

// Mask turns a sensitive value into what is kept and compared in its
// place: a digest keyed by a secret outside the store (secret.Box.Digest).
// The same value must give the same result, on every node.
type Mask func(value string) string

// hidden stands for a sensitive value when there is no Mask: nothing is
// kept, and a retry that changes only that value replays.
const hidden = "HIDDEN_DUE_TO_SECURITY_REASONS"

// masked returns raw, JSON of a value of type t, with every sensitive
// member replaced, and whether it replaced any. Without one it returns
// raw itself: requests without passwords hash as they always did.
func masked(t reflect.Type, raw json.RawMessage, mask Mask) (json.RawMessage, bool, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t.Kind() == reflect.Struct:
		return maskedStruct(t, raw, mask)
	case t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8:
		return maskedList(t.Elem(), raw, mask)
	}
	return raw, false, nil
}

func maskedStruct(t reflect.Type, raw json.RawMessage, mask Mask) (json.RawMessage, bool, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, false, err
	}
	changed := false
	for i := range t.NumField() {
		f := t.Field(i)
		v, ok := m[memberName(f)]
		if !ok {
			continue
		}
		if f.Tag.Get("fsx") == "sensitive" {
			m[memberName(f)], changed = hide(v, mask), true
			continue
		}
		v, c, err := masked(f.Type, v, mask)
		if err != nil {
			return nil, false, err
		}
		if c {
			m[memberName(f)], changed = v, true
		}
	}
	if !changed {
		return raw, false, nil
	}
	b, err := json.Marshal(m)
	return b, true, err
}

func maskedList(elem reflect.Type, raw json.RawMessage, mask Mask) (json.RawMessage, bool, error) {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, false, err
	}
	changed := false
	for i := range items {
		v, c, err := masked(elem, items[i], mask)
		if err != nil {
			return nil, false, err
		}
		if c {
			items[i], changed = v, true
		}
	}
	if !changed {
		return raw, false, nil
	}
	b, err := json.Marshal(items)
	return b, true, err
}

// hide is what replaces one sensitive value (JSON): its mask, as a string.
func hide(v json.RawMessage, mask Mask) json.RawMessage {
	out := hidden
	if mask != nil {
		var s string
		if json.Unmarshal(v, &s) != nil {
			s = string(v) // not a string: mask its JSON
		}
		out = mask(s)
	}
	b, _ := json.Marshal(out) // a string always marshals
	return b
}
