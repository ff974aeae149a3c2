// Package idempotency runs an FSx create, update or delete at most once
// per ClientRequestToken (docs/decisions.md, "ClientRequestToken scope"). The first use of a token is
// recorded, in the transaction that acts, with the request's parameters
// and the response. The same token with the same parameters returns that
// response without acting again, even if the world has changed since (a
// retried create must not meet its own first attempt's resource as a
// conflict, nor a retried delete find it gone); the same token with other
// parameters is IncompatibleParameterError whose Parameter names the first
// member that differs. Tokens are scoped per operation (fsxd.TokenKey) and
// kept for Keep (expire.go; fsxapi's reconciler deletes them). Sensitive members (passwords) are kept and compared only
// as their Mask, a keyed digest (mask.go).
package idempotency

import (
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

// Member is the idempotency member of every FSx create, update and delete
// request. It is not a parameter: it is left out of what is compared.
const Member = "ClientRequestToken"

// Once runs fn at most once per (op, token), inside the caller's
// transaction so the token and what fn writes commit together. fn returns
// the response and the id or name of the resource it acted on. Requests
// without a token just run. req is the request shape (token included);
// mask replaces its sensitive members; now is when the token is recorded.
func Once[Out any](tx *store.Tx, op string, token *string, req any, mask Mask, now time.Time, fn func() (*Out, string, error)) (*Out, error) {
	if token == nil || *token == "" {
		out, _, err := fn()
		return out, err
	}
	params, err := canonical(req, mask)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(params)
	hash := hex.EncodeToString(sum[:])
	key := fsxd.TokenKey(op, *token)
	prev, err := tokens(tx).Get(key)
	switch {
	case err == nil:
		return replay[Out](prev, hash, reflect.TypeOf(req), params)
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
	rec := &fsxd.Token{Op: op, Token: *token, Hash: hash, Result: result, Created: now, Resource: resource, Params: params}
	return out, tokens(tx).Insert(key, rec)
}

// replay answers a token's second use: the first response, or
// IncompatibleParameterError when the parameters are not the first's.
func replay[Out any](prev *fsxd.Token, hash string, t reflect.Type, params []byte) (*Out, error) {
	if prev.Hash != hash {
		member := firstDiff(t, prev.Params, params)
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

func tokens(tx *store.Tx) store.Table[fsxd.Token] { return store.Tokens.In(tx) }
