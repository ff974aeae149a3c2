package awsjson

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/fsxd/fsxd/awserr"
)

// decodes counts countedString decodes; its tests do not run in parallel.
var decodes atomic.Int32

// countedString decodes like a string and counts each decode.
type countedString string

func (c *countedString) UnmarshalJSON(b []byte) error {
	decodes.Add(1)
	*c = countedString(strings.Trim(string(b), `"`))
	return nil
}

type countedShape struct {
	Name    *countedString `json:"Name,omitzero"`
	Count   *int64         `json:"Count,omitzero"`
	Ignored *string        `json:"Ignored,omitzero"`
}

func serveOne(t *testing.T, m *Mux, body string) (*httptest.ResponseRecorder, error) {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	r.Header.Set("X-Amz-Target", "Svc.Op")
	w := httptest.NewRecorder()
	return w, m.Serve(w, r)
}

// TestMuxDecodesOnce: a body is decoded once, however many parties
// (Authorize, the operation) read what it names.
func TestMuxDecodesOnce(t *testing.T) {
	m := NewMux("Svc")
	var named string
	m.Authorize = func(_ context.Context, _ string, in any) error {
		named = string(*in.(*countedShape).Name)
		return nil
	}
	var ran string
	m.Handle("Op", Op(func(_ context.Context, in *countedShape) (*countedShape, error) {
		ran = string(*in.Name)
		return in, nil
	}))
	decodes.Store(0)
	if _, err := serveOne(t, m, `{"Name":"vol"}`); err != nil {
		t.Fatal(err)
	}
	if named != "vol" || ran != "vol" {
		t.Errorf("Authorize saw %q, the operation %q; want vol for both", named, ran)
	}
	if n := decodes.Load(); n != 1 {
		t.Errorf("the body was decoded %d times, want once", n)
	}
}

// TestMuxAuthorizesBeforeDecodingErrors: a body that does not decode is
// still authorized first, on what it names as far as it decodes, so a
// caller who may not act learns AccessDenied, not what is wrong with the
// body; one who may gets the SerializationException.
func TestMuxAuthorizesBeforeDecodingErrors(t *testing.T) {
	m := NewMux("Svc")
	var seen *countedShape
	allow := false
	m.Authorize = func(_ context.Context, _ string, in any) error {
		seen = in.(*countedShape)
		if !allow {
			return awserr.JSONAccessDenied.Err("no")
		}
		return nil
	}
	ran := false
	m.Handle("Op", Op(func(_ context.Context, in *countedShape) (*countedShape, error) {
		ran = true
		return in, nil
	}))
	const body = `{"Count":"seven","Name":"vol"}`
	_, err := serveOne(t, m, body)
	if !awserr.Is(err, awserr.JSONAccessDenied) {
		t.Fatalf("refused caller got %v, want AccessDeniedException", err)
	}
	if seen == nil || seen.Name == nil || *seen.Name != "vol" {
		t.Errorf("Authorize saw %+v, want Name vol decoded despite the bad Count", seen)
	}
	allow = true
	if _, err := serveOne(t, m, body); !awserr.Is(err, awserr.SerializationException) {
		t.Errorf("allowed caller got %v, want SerializationException", err)
	}
	if ran {
		t.Error("the operation ran on a body that does not decode")
	}
}

// TestMuxInput: Input makes an empty input of a registered operation.
func TestMuxInput(t *testing.T) {
	m := NewMux("Svc")
	m.Handle("Op", Op(func(_ context.Context, in *countedShape) (*countedShape, error) { return in, nil }))
	if in, ok := m.Input("Op").(*countedShape); !ok || in == nil || in.Name != nil {
		t.Errorf("Input(Op) = %#v, want a new *countedShape", m.Input("Op"))
	}
	if in := m.Input("Other"); in != nil {
		t.Errorf("Input(Other) = %#v, want nil", in)
	}
}
