package console

// Where in a policy the parser's complaint is. Package policy reports what
// is wrong, not where; the editor finds the statement it is about by
// parsing each statement alone, with the document's other elements, and
// points at the first one refused.

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/fsxd/fsxd/policy"
)

// statementAt returns "statement N (line L, column C): " for the first
// statement of text (valid JSON that k's parser refused) that is refused
// on its own, or "" when none is: the problem is then outside the
// statements.
func statementAt(text string, k policy.Kind) string {
	starts, elems := statements(text)
	if len(elems) == 0 || !restIsValid(text, k) {
		return ""
	}
	for i, el := range elems {
		if _, err := policy.ParseKind(withOnly(text, el), k); err != nil {
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

// restIsValid reports whether text is accepted once its statements are
// replaced by a sound one: then a statement is what the parser refused,
// not the Version or another element around them.
func restIsValid(text string, k policy.Kind) bool {
	for _, st := range sound {
		if _, err := policy.ParseKind(withOnly(text, json.RawMessage(st)), k); err == nil {
			return true
		}
	}
	return false
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

// withOnly is text with its Statement array holding el alone.
func withOnly(text string, el json.RawMessage) []byte {
	var doc map[string]json.RawMessage
	if json.Unmarshal([]byte(text), &doc) != nil {
		return nil
	}
	doc["Statement"] = json.RawMessage("[" + string(el) + "]")
	b, _ := json.Marshal(doc)
	return b
}
