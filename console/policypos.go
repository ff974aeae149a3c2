package console

// Where in a policy the parser's complaint is. Package policy reports what
// is wrong, not where; the editor finds the statement it is about by
// parsing each statement alone, under the document's Version, and points
// at the first one refused. This runs before any permission is checked,
// for any signed-in user, so its cost is bounded: the document was found
// to be within the APIs' size limit (checkPolicy), it is decoded once,
// each statement is parsed once in a document of its own size, and at
// most maxLocate statements are tried.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/fsxd/fsxd/policy"
)

// parseKind is policy.ParseKind; a test counts what it is given.
var parseKind = policy.ParseKind

// maxLocate bounds the statements tried one by one: past it, the message
// has no place. A 20 KB document holds a few thousand statements at most.
const maxLocate = 500

// statementAt returns "statement N (line L, column C): " for the first
// statement of text (valid JSON that k's parser refused) that is refused
// on its own, or "" when none is (the problem is then outside the
// statements, or between them: a Sid used twice), when it is past the
// first maxLocate, or when ctx ends first.
func statementAt(ctx context.Context, text string, k policy.Kind) string {
	starts, elems := statements(text)
	if len(elems) == 0 {
		return ""
	}
	var doc map[string]json.RawMessage
	if json.Unmarshal([]byte(text), &doc) != nil {
		return ""
	}
	version := doc["Version"]
	if !restIsValid(doc, k) {
		return ""
	}
	for i, el := range elems[:min(len(elems), maxLocate)] {
		if ctx.Err() != nil {
			return ""
		}
		if _, err := parseKind(alone(version, el), k); err != nil {
			line, col := lineCol(text, starts[i]+1)
			return fmt.Sprintf("statement %d (line %d, column %d): ", i+1, line, col)
		}
	}
	return ""
}

// sound are statements some kind of policy accepts: identity, resource,
// trust.
var sound = []string{
	`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`,
	`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}`,
	`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}`,
}

// restIsValid reports whether doc is accepted once its statements are
// replaced by a sound one: then a statement is what the parser refused,
// not the Version or another element around them. It replaces doc's
// Statement.
func restIsValid(doc map[string]json.RawMessage, k policy.Kind) bool {
	for _, st := range sound {
		doc["Statement"] = json.RawMessage("[" + st + "]")
		b, err := json.Marshal(doc)
		if err != nil {
			return false
		}
		if _, err := parseKind(b, k); err == nil {
			return true
		}
	}
	return false
}

// alone is a document holding el as its one statement, under version
// (none when nil). The rest of the document passed restIsValid, so only
// the Version can change how a statement parses (${…} variables).
func alone(version, el json.RawMessage) []byte {
	var b bytes.Buffer
	b.WriteString("{")
	if version != nil {
		b.WriteString(`"Version":`)
		b.Write(version)
		b.WriteString(",")
	}
	b.WriteString(`"Statement":[`)
	b.Write(el)
	b.WriteString("]}")
	return b.Bytes()
}

// statements finds the elements of the top-level "Statement" array and
// their byte offsets in text; nil when Statement is missing or is not an
// array (a single statement object is the whole problem then).
func statements(text string) (starts []int, elems []json.RawMessage) {
	dec := json.NewDecoder(bytes.NewReader([]byte(text)))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, nil
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil, nil
		}
		if key != "Statement" {
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return nil, nil
			}
			continue
		}
		if t, err := dec.Token(); err != nil || t != json.Delim('[') {
			return nil, nil
		}
		for dec.More() {
			off := int(dec.InputOffset())
			var el json.RawMessage
			if dec.Decode(&el) != nil {
				return nil, nil
			}
			starts = append(starts, off+skipSpace(text[off:]))
			elems = append(elems, el)
		}
		return starts, elems
	}
	return nil, nil
}

// skipSpace counts what precedes the next value: white space and the
// comma that separates array elements.
func skipSpace(s string) int {
	n := 0
	for n < len(s) && bytes.IndexByte([]byte(" \t\r\n,"), s[n]) >= 0 {
		n++
	}
	return n
}
