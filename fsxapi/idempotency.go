package fsxapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"reflect"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/store"
)

// tokenMember is the idempotency member of every FSx create, update and
// delete request.
const tokenMember = "ClientRequestToken"

// idempotent runs fn at most once per (op, ClientRequestToken), inside the
// caller's transaction so the token and what fn writes commit together.
// A repeat with the same parameters gets the first response back; a repeat
// with different parameters gets IncompatibleParameterError naming the
// first member that differs. Requests without a token just run.
func idempotent[Out any](s *Service, tx *store.Tx, op string, token *string, req any, fn func() (*Out, string, error)) (*Out, error) {
	if token == nil || *token == "" {
		out, _, err := fn()
		return out, err
	}
	params, err := canonicalParams(req)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(params)
	hash := hex.EncodeToString(sum[:])
	key := fsxd.TokenKey(op, *token)
	prev, err := tokens(tx).Get(key)
	switch {
	case err == nil:
		return replay[Out](prev, hash, req, params)
	case !errors.Is(err, store.ErrNotFound):
		return nil, err
	}
	out, resource, err := fn()
	if err != nil {
		return nil, err
	}
	result, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	rec := &fsxd.Token{Op: op, Token: *token, Hash: hash, Result: result, Created: s.now(), Resource: resource, Params: params}
	return out, tokens(tx).Insert(key, rec)
}

func replay[Out any](prev *fsxd.Token, hash string, req any, params []byte) (*Out, error) {
	if prev.Hash != hash {
		member := firstDiff(reflect.TypeOf(req), prev.Params, params)
		return nil, awserr.IncompatibleParameterError.
			Err("The client request token was already used with different parameters (%s differs).", member).
			With("Parameter", member)
	}
	out := new(Out)
	if err := json.Unmarshal(prev.Result, out); err != nil {
		return nil, err
	}
	return out, nil
}

// canonicalParams is the request as JSON without its token, with object
// keys sorted: the same parameters always give the same bytes.
func canonicalParams(req any) ([]byte, error) {
	b, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage // raw values: numbers keep their digits
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	delete(m, tokenMember)
	return json.Marshal(m) // maps marshal with sorted keys
}

// firstDiff names the first member, in model order, whose value differs
// between two canonical requests of type t, descending into structures
// ("OpenZFSConfiguration.DeploymentType").
func firstDiff(t reflect.Type, a, b []byte) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var ma, mb map[string]json.RawMessage
	json.Unmarshal(a, &ma)
	json.Unmarshal(b, &mb)
	if t.Kind() == reflect.Struct {
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Name == tokenMember || bytes.Equal(ma[f.Name], mb[f.Name]) {
				continue
			}
			if ft := f.Type; ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct && ma[f.Name] != nil && mb[f.Name] != nil {
				if inner := firstDiff(ft, ma[f.Name], mb[f.Name]); inner != "" {
					return f.Name + "." + inner
				}
			}
			return f.Name
		}
	}
	return tokenMember // unreachable for differing hashes; never leave Parameter empty
}
