// Package awsjson serves an AWS JSON 1.1 API: X-Amz-Target dispatch,
// strict-enough body decoding, validation hooks and the JSON error shape.
// It knows nothing about FSx; fsxapi registers its operations here.
package awsjson

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/fsxd/fsxd/awserr"
)

// MaxBody bounds a request body; larger bodies are refused unread.
const MaxBody = 1 << 20

// ErrBodyTooLarge is the answer to a body over MaxBody.
func ErrBodyTooLarge() *awserr.Error {
	return awserr.SerializationException.Err("Request body too large")
}

// ErrBodyUnreadable is the answer to a body that stalled or ended early.
func ErrBodyUnreadable(err error) *awserr.Error {
	return awserr.SerializationException.Err("Could not read the request body").Wrap(err)
}

// Handler is one operation: the shape its body decodes into, and what
// runs it. Op makes them. The Mux decodes a body once, into a new input,
// and hands that input to Authorize and then to the operation, so the two
// cannot disagree about what a request names.
type Handler struct {
	in  reflect.Type
	run func(ctx context.Context, in any) (any, error) // in is a *In
}

// Validator is implemented by request shapes (generated from the model).
type Validator interface{ Validate() error }

// Op adapts a typed operation: validate its decoded In, call fn.
func Op[In, Out any](fn func(context.Context, *In) (*Out, error)) Handler {
	return Handler{in: reflect.TypeFor[In](), run: func(ctx context.Context, in any) (any, error) {
		if v, ok := in.(Validator); ok {
			if err := v.Validate(); err != nil {
				return nil, err
			}
		}
		return fn(ctx, in.(*In))
	}}
}

// decode reads body into a new input of h's shape. The input is returned
// even when decoding fails, filled as far as the body allowed, so that
// Authorize sees what the request names before its decoding error is
// answered.
func (h Handler) decode(body []byte) (any, error) {
	in := reflect.New(h.in).Interface()
	return in, unmarshal(prune(body, h.in), in)
}

// Decode reads a JSON body the way AWS's front end does: an empty body is
// an empty object, unknown members are ignored (a member whose name
// differs from the model's only in case is unknown), wrong types are a
// SerializationException.
func Decode(body []byte, v any) error {
	return unmarshal(prune(body, reflect.TypeOf(v)), v)
}

// unmarshal decodes a body already pruned to v's members.
func unmarshal(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return awserr.SerializationException.Err("Unexpected value type for member %s: expected %s but got %s", te.Field, te.Type, te.Value).Wrap(err)
		}
		if errors.As(err, new(*awserr.Error)) {
			return err // a custom unmarshaller's own AWS error
		}
		return awserr.SerializationException.Err("Malformed JSON body: %v", err).Wrap(err)
	}
	return nil
}

// Mux dispatches on X-Amz-Target = Prefix + "." + operation.
type Mux struct {
	Prefix string // e.g. "AWSSimbaAPIService_v20180301"
	// Authorize, when set, is asked before every known operation runs,
	// with the operation's input (a pointer to its request shape, decoded
	// as far as the body allows) to see what the request names; an error
	// refuses. It is the input the operation then runs with.
	Authorize func(ctx context.Context, op string, in any) error
	ops       map[string]Handler
}

// NewMux returns a Mux for one target prefix.
func NewMux(prefix string) *Mux { return &Mux{Prefix: prefix, ops: map[string]Handler{}} }

// Handle registers an operation.
func (m *Mux) Handle(op string, h Handler) { m.ops[op] = h }

// Operations lists the registered operations.
func (m *Mux) Operations() []string {
	out := make([]string, 0, len(m.ops))
	for k := range m.ops {
		out = append(out, k)
	}
	return out
}

// Input returns a new, empty input of op (a pointer to its request
// shape), or nil if op is not registered.
func (m *Mux) Input(op string) any {
	h, ok := m.ops[op]
	if !ok {
		return nil
	}
	return reflect.New(h.in).Interface()
}

// Operation returns the registered operation named by r's X-Amz-Target,
// or "": it names metric series, and an unauthenticated client's
// arbitrary strings must not add to them.
func (m *Mux) Operation(r *http.Request) string {
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), m.Prefix+".")
	if _, known := m.ops[op]; !ok || !known {
		return ""
	}
	return op
}

// Serve runs the operation of r and writes the response or the error. It
// returns the error (for the access log) after writing it.
func (m *Mux) Serve(w http.ResponseWriter, r *http.Request) error {
	err := m.serve(w, r)
	if err != nil {
		WriteError(w, err)
	}
	return err
}

func (m *Mux) serve(w http.ResponseWriter, r *http.Request) error {
	if r.Method != http.MethodPost {
		return awserr.SerializationException.Err("Only POST is supported")
	}
	target := r.Header.Get("X-Amz-Target")
	op := m.Operation(r)
	h, ok := m.ops[op]
	if !ok {
		return awserr.UnknownOperationException.Err("Operation %s is not supported by this service", strings.TrimPrefix(target, m.Prefix+"."))
	}
	if r.ContentLength > MaxBody {
		return ErrBodyTooLarge()
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxBody+1))
	if err != nil {
		return ErrBodyUnreadable(err)
	}
	if len(body) > MaxBody {
		return ErrBodyTooLarge()
	}
	in, decodeErr := h.decode(body)
	if m.Authorize != nil {
		if err := m.Authorize(r.Context(), op, in); err != nil {
			return err
		}
	}
	if decodeErr != nil {
		return decodeErr
	}
	out, err := h.run(r.Context(), in)
	if err != nil {
		return err
	}
	WriteResult(w, out)
	return nil
}

// WriteResult writes a 200 with out as JSON ({} for nil).
func WriteResult(w http.ResponseWriter, out any) {
	b := []byte("{}")
	if out != nil {
		var err error
		if b, err = json.Marshal(out); err != nil {
			WriteError(w, awserr.InternalServerError.Err("").Wrap(err))
			return
		}
	}
	h := w.Header()
	h.Set("Content-Type", "application/x-amz-json-1.1")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}

// WriteError writes any error in the JSON error shape; unknown errors are
// InternalServerError with the cause kept for the log.
func WriteError(w http.ResponseWriter, err error) {
	awserr.WriteJSON(w, awserr.From(err, awserr.InternalServerError))
}
