package accesspoint

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"reflect"
	"time"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/store"
)

// Idempotency (reference §2.5), as fsxapi does it for the other FSx
// operations: the first use of a ClientRequestToken is recorded, in the
// transaction that acts, with the request's parameters and the response.
// The same token with the same parameters returns that response without
// acting again, even if the world has changed since (a retried create must
// not meet AccessPointAlreadyOwnedByYou from its own first attempt, nor a
// retried detach S3AccessPointAttachmentNotFound); the same token with
// other parameters is IncompatibleParameterError whose Parameter names the
// first member that differs. Tokens are scoped per operation
// (fsxd.TokenKey) and kept for good.

const tokenMember = "ClientRequestToken"

// tokenUse is one request's token and canonical parameters.
type tokenUse struct {
	op, token string
	req       any // the request shape, for naming a differing member
	params    []byte
	hash      string
}

// newTokenUse canonicalises req (token removed, keys sorted).
func newTokenUse(op string, token *string, req any) (*tokenUse, error) {
	b, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	delete(m, tokenMember)
	params, err := json.Marshal(m) // maps marshal with sorted keys
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(params)
	return &tokenUse{op: op, token: deref(token), req: req, params: params, hash: hex.EncodeToString(sum[:])}, nil
}

// replay returns the original response when the token was used with the
// same parameters, IncompatibleParameterError when used with others, and
// (nil, nil) when the token is new or absent.
func (u *tokenUse) replay(tx *store.Tx) (json.RawMessage, error) {
	if u.token == "" {
		return nil, nil
	}
	t, err := tokens(tx).Get(fsxd.TokenKey(u.op, u.token))
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if t.Hash != u.hash {
		member := firstDiff(reflect.TypeOf(u.req), t.Params, u.params)
		return nil, awserr.IncompatibleParameterError.
			Err("The client request token was already used with different parameters (%s differs).", member).
			With("Parameter", member)
	}
	return t.Result, nil
}

// remember records the token's first use with its response.
func (u *tokenUse) remember(tx *store.Tx, resource string, result any, now time.Time) error {
	if u.token == "" {
		return nil
	}
	b, err := json.Marshal(result)
	if err != nil {
		return err
	}
	return tokens(tx).Insert(fsxd.TokenKey(u.op, u.token), &fsxd.Token{
		Op: u.op, Token: u.token, Hash: u.hash, Result: b, Created: now, Resource: resource, Params: u.params,
	})
}

// firstDiff names the first member, in declaration order, whose value
// differs between two canonical requests of type t, descending into
// structures ("OpenZFSConfiguration.VolumeId").
func firstDiff(t reflect.Type, a, b []byte) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var ma, mb map[string]json.RawMessage
	json.Unmarshal(a, &ma)
	json.Unmarshal(b, &mb)
	if t.Kind() != reflect.Struct {
		return tokenMember
	}
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Name == tokenMember || bytes.Equal(ma[f.Name], mb[f.Name]) {
			continue
		}
		if ma[f.Name] != nil && mb[f.Name] != nil && f.Type.Kind() == reflect.Pointer && f.Type.Elem().Kind() == reflect.Struct {
			if inner := firstDiff(f.Type, ma[f.Name], mb[f.Name]); inner != tokenMember {
				return f.Name + "." + inner
			}
		}
		return f.Name
	}
	return tokenMember // never leave Parameter empty
}
