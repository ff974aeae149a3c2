package policy

// A small ordered JSON tree. encoding/json's maps would silently keep the
// last of two duplicate keys, so a document could mean something other than
// what a reviewer reads; decoding token by token lets Parse refuse that.

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

type jkind uint8

const (
	jString jkind = iota
	jNumber
	jBool
	jNull
	jArray
	jObject
)

type node struct {
	kind   jkind
	str    string // string value, number text, "true" or "false"
	elems  []node
	fields []field
}

type field struct {
	name string
	val  node
}

// maxDepth bounds nesting. A valid policy needs 5 levels; the bound keeps a
// hostile document from recursing without limit.
const maxDepth = 16

const (
	msgFirstByte   = "Policies must be valid JSON and the first byte must be '{'"
	msgInvalidJSON = "This policy contains invalid Json"
)

// decodeJSON parses text, which must hold exactly one JSON object.
func decodeJSON(text []byte) (node, error) {
	if t := bytes.TrimLeft(text, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return node{}, perr(msgFirstByte)
	}
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	n, err := decodeValue(dec, 0)
	if err != nil {
		return node{}, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return node{}, perr(msgInvalidJSON)
	}
	return n, nil
}

func decodeValue(dec *json.Decoder, depth int) (node, error) {
	if depth > maxDepth {
		return node{}, perr(msgInvalidJSON)
	}
	tok, err := dec.Token()
	if err != nil {
		return node{}, perr(msgInvalidJSON)
	}
	switch v := tok.(type) {
	case string:
		return node{kind: jString, str: v}, nil
	case json.Number:
		return node{kind: jNumber, str: v.String()}, nil
	case bool:
		if v {
			return node{kind: jBool, str: "true"}, nil
		}
		return node{kind: jBool, str: "false"}, nil
	case nil:
		return node{kind: jNull}, nil
	case json.Delim:
		if v == '[' {
			return decodeArray(dec, depth)
		}
		if v == '{' {
			return decodeObject(dec, depth)
		}
	}
	return node{}, perr(msgInvalidJSON)
}

func decodeArray(dec *json.Decoder, depth int) (node, error) {
	n := node{kind: jArray}
	for dec.More() {
		e, err := decodeValue(dec, depth+1)
		if err != nil {
			return node{}, err
		}
		n.elems = append(n.elems, e)
	}
	if err := closing(dec, ']'); err != nil {
		return node{}, err
	}
	return n, nil
}

func decodeObject(dec *json.Decoder, depth int) (node, error) {
	n := node{kind: jObject}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return node{}, perr(msgInvalidJSON)
		}
		name, ok := tok.(string)
		if !ok {
			return node{}, perr(msgInvalidJSON)
		}
		for _, f := range n.fields {
			if f.name == name {
				return node{}, perr("Duplicate key " + name)
			}
		}
		v, err := decodeValue(dec, depth+1)
		if err != nil {
			return node{}, err
		}
		n.fields = append(n.fields, field{name, v})
	}
	if err := closing(dec, '}'); err != nil {
		return node{}, err
	}
	return n, nil
}

func closing(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if d, ok := tok.(json.Delim); err != nil || !ok || d != want {
		return perr(msgInvalidJSON)
	}
	return nil
}

// Normalize removes whitespace outside JSON strings: S3 measures a policy's
// size that way, so pretty-printing doesn't count against the limit. It
// doesn't validate; garbage in, shorter garbage out.
func Normalize(text []byte) []byte {
	out := make([]byte, 0, len(text))
	walkSignificant(text, func(c byte) { out = append(out, c) })
	return out
}

// MinifiedLen is len(Normalize(text)) without building it: the size IAM
// and S3 hold against their limits. It parses nothing, so a caller can
// refuse an oversized document for the price of one pass.
func MinifiedLen(text []byte) int { return minifiedLen(text) }

func minifiedLen(text []byte) int {
	n := 0
	walkSignificant(text, func(byte) { n++ })
	return n
}

// walkSignificant calls f for every byte except whitespace outside strings.
func walkSignificant(text []byte, f func(byte)) {
	inString, escaped := false, false
	for _, c := range text {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == ' ', c == '\t', c == '\n', c == '\r':
			continue
		}
		f(c)
	}
}

// stringList reads an element that may be one string or a list of them, as
// Action, Resource and principal values may. Empty lists and empty strings
// are refused: they can only be mistakes.
func stringList(n node) ([]string, error) {
	switch n.kind {
	case jString:
		if n.str == "" {
			return nil, errEmpty
		}
		return []string{n.str}, nil
	case jArray:
		if len(n.elems) == 0 {
			return nil, errEmpty
		}
		out := make([]string, 0, len(n.elems))
		for _, e := range n.elems {
			if e.kind != jString || e.str == "" {
				return nil, errEmpty
			}
			out = append(out, e.str)
		}
		return out, nil
	}
	return nil, errEmpty
}

var errEmpty = errors.New("not a string or list of strings")
