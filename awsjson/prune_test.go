package awsjson

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/fsxd/fsxd/awserr"
)

// shape has what generated request shapes have, and what they might.
type shape struct {
	Name     *string           `json:"Name,omitzero"`
	Count    *int64            `json:"Count,omitzero"`
	Inner    *inner            `json:"Inner,omitzero"`
	List     []inner           `json:"List,omitzero"`
	Labels   map[string]string `json:"Labels,omitzero"`
	ByKey    map[string]*inner `json:"ByKey,omitzero"`
	When     *Time             `json:"When,omitzero"`
	Raw      json.RawMessage   `json:"Raw,omitzero"`
	Quoted   int64             `json:"Quoted,string,omitzero"`
	Untagged string
	Skipped  string `json:"-"`
	embedded
}

type inner struct {
	Key   *string `json:"Key,omitzero"`
	Value *string `json:"Value,omitzero"`
}

type embedded struct {
	Promoted string `json:"Promoted,omitzero"`
	Name     string `json:"Name,omitzero"` // shadowed by shape.Name
}

func (s *shape) Validate() error {
	if s.Name == nil {
		return awserr.BadRequest.Err("Value null at 'name' failed to satisfy constraint: Member must not be null")
	}
	return nil
}

// TestDecodeExactNames reads like a truth table: a body, and what Decode
// must make of it (as the JSON of the decoded value).
func TestDecodeExactNames(t *testing.T) {
	check := func(body, want string) {
		t.Helper()
		var got shape
		if err := Decode([]byte(body), &got); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		var w shape
		if err := json.Unmarshal([]byte(want), &w); err != nil {
			t.Fatalf("bad want %s: %v", want, err)
		}
		if !reflect.DeepEqual(got, w) {
			g, _ := json.Marshal(got)
			t.Errorf("%s:\ngot  %s\nwant %s", body, g, want)
		}
	}
	check(``, `{}`)
	check(`null`, `{}`)
	check(`{"Name":"a","Count":1}`, `{"Name":"a","Count":1}`)
	check(`{"name":"a","COUNT":1}`, `{}`)
	check(`{"Name":"a","NAME":"b"}`, `{"Name":"a"}`)
	check(`{"Nam\u0065":"a"}`, `{"Name":"a"}`)          // escapes are spelling, not case
	check(`{"Inner":{"\u212aey":"k"}}`, `{"Inner":{}}`) // Kelvin sign: encoding/json folds it to K
	check(`{"Inner":{"Key":"k","key":"x","VALUE":"y"}}`, `{"Inner":{"Key":"k"}}`)
	check(`{"List":[{"Key":"a"},{"kEY":"b"},{"Value":"c"}]}`, `{"List":[{"Key":"a"},{},{"Value":"c"}]}`)
	check(`{"Labels":{"name":"n","Name":"N","KEY":"k"}}`, `{"Labels":{"name":"n","Name":"N","KEY":"k"}}`)
	check(`{"ByKey":{"lower":{"Key":"a","key":"b"}}}`, `{"ByKey":{"lower":{"Key":"a"}}}`)
	check(`{"When":1700000000,"when":1}`, `{"When":1700000000}`)
	check(`{"Raw":{"any":{"Case":1}}}`, `{"Raw":{"any":{"Case":1}}}`)
	check(`{"Quoted":"12","quoted":"13"}`, `{"Quoted":"12"}`)
	check(`{"Untagged":"u","untagged":"x","Skipped":"s"}`, `{"Untagged":"u"}`)
	check(`{"Promoted":"p","promoted":"x"}`, `{"Promoted":"p"}`)
	check(`{"Count":1,"Count":2}`, `{"Count":2}`)
	check(`{"Inner":{"Key":"a"},"Inner":{"Value":"b"}}`, `{"Inner":{"Value":"b"}}`) // last wins, whole
	check(`{"Count":12345678901234567}`, `{"Count":12345678901234567}`)
}

// A wrong-case member is unknown, so a required member counts as missing;
// wrong types and malformed bodies are what they were.
func TestDecodeErrors(t *testing.T) {
	check := func(body, code, msg string) {
		t.Helper()
		var in shape
		err := Decode([]byte(body), &in)
		if err == nil {
			err = in.Validate()
		}
		switch {
		case code == "" && err != nil:
			t.Errorf("%s: unexpected %v", body, err)
		case code != "" && (!awserr.Is(err, awserr.Code{Name: code}) || !strings.Contains(err.Error(), msg)):
			t.Errorf("%s: got %v, want %s containing %q", body, err, code, msg)
		}
	}
	check(`{"Name":"a"}`, "", "")
	check(`{"NAME":"a"}`, "BadRequest", "Value null at 'name'")
	check(`{"Name":7}`, "SerializationException", "member Name: expected string but got number")
	check(`{"Name":"a","name":7}`, "", "") // unknown members are not type-checked
	check(`{"Name":"a","Inner":[1]}`, "SerializationException", "member Inner")
	check(`{"Name":"a","List":{"Key":"k"}}`, "SerializationException", "member List")
	check(`{"Name":"a",`, "SerializationException", "Malformed JSON body")
	check(`{"Name":"a","Inner":{"Key":}}`, "SerializationException", "Malformed JSON body")
	check(`{"Name":"a","When":"yesterday"}`, "SerializationException", "member When")
	check(`[]`, "SerializationException", "Unexpected value type")
}

// The Mux hands Authorize the input the operation runs with, decoded from
// the pruned body, so the two cannot read different members out of one
// request.
func TestMuxAuthorizeSeesPrunedInput(t *testing.T) {
	m := NewMux("Svc")
	var seen any
	m.Authorize = func(_ context.Context, _ string, in any) error {
		seen = in
		return nil
	}
	var got *shape
	m.Handle("Op", Op(func(_ context.Context, in *shape) (*inner, error) {
		got = in
		return &inner{}, nil
	}))
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"Name":"mine","name":"theirs","Inner":{"key":"x"}}`))
	r.Header.Set("X-Amz-Target", "Svc.Op")
	w := httptest.NewRecorder()
	if err := m.Serve(w, r); err != nil {
		t.Fatal(err)
	}
	if got == nil || got.Name == nil || *got.Name != "mine" || got.Inner == nil || got.Inner.Key != nil {
		t.Errorf("operation saw %+v, want Name mine and an empty Inner", got)
	}
	if seen != any(got) {
		t.Errorf("Authorize saw %p, the operation %p: not the same input", seen, got)
	}
}

// FuzzDecode: decoding never panics; pruning is idempotent; a body that
// decodes survives a round trip.
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		``, `null`, `[]`, `{"Name":"a","name":"b"}`, `{"Inner":{"key":1}}`,
		`{"List":[{"Key":"a"},null,3]}`, `{"Labels":{"K":"v"},"ByKey":{"x":{"VALUE":"v"}}}`,
		`{"When":"2025-01-02T03:04:05Z","Raw":[1,{"a":2}],"Quoted":"7"}`,
		`{"Promoted":"p","Inner":{"Key":"a"},"Inner":{"Value":"b"}}`, `{"Name":"\ud800"}`,
	} {
		f.Add(seed)
	}
	typ := reflect.TypeFor[*shape]()
	f.Fuzz(func(t *testing.T, body string) {
		once := prune([]byte(body), typ)
		if twice := prune(once, typ); string(twice) != string(once) {
			t.Fatalf("prune not idempotent: %s -> %s -> %s", body, once, twice)
		}
		var in shape
		if Decode([]byte(body), &in) != nil {
			return
		}
		b, err := json.Marshal(&in)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		var again shape
		if err := Decode(b, &again); err != nil {
			t.Fatalf("%s decoded, but its re-encoding %s does not: %v", body, b, err)
		}
		if b2, _ := json.Marshal(&again); string(b2) != string(b) {
			t.Fatalf("round trip: %s -> %s", b, b2)
		}
	})
}
