package fsxapi

import (
	"context"
	"crypto/rand"

	"github.com/fsxd/fsxd/idempotency"
	"github.com/fsxd/fsxd/secret"
	"github.com/fsxd/fsxd/store"
)

// once runs fn in one transaction, at most once per (op,
// ClientRequestToken): a repeat gets the first response back, or
// IncompatibleParameterError if its parameters differ (idempotency.Once).
// fn returns the response and the id of the resource it acted on.
func once[Out any](ctx context.Context, s *Service, op string, token *string, req any, fn func(*store.Tx) (*Out, string, error)) (*Out, error) {
	var out *Out
	err := s.update(ctx, func(tx *store.Tx) error {
		var err error
		out, err = idempotency.Once(tx, op, token, req, s.cfg.Mask, s.now(), func() (*Out, string, error) { return fn(tx) })
		return err
	})
	if err != nil {
		return nil, err // a commit can fail after fn succeeded
	}
	return out, nil
}

// DigestMask is the Config.Mask of a server: digests under box, the
// master key's, which every node shares.
func DigestMask(box *secret.Box) idempotency.Mask {
	return func(v string) string { return box.Digest("fsx-request-member", v) }
}

// processMask digests under a random key that lives as long as the
// process: Config.Mask when the server gives none.
func processMask() idempotency.Mask {
	key := make([]byte, secret.KeySize)
	rand.Read(key) // never fails (crypto/rand)
	box, err := secret.New(key)
	if err != nil {
		panic(err) // the key has the right size
	}
	return DigestMask(box)
}
