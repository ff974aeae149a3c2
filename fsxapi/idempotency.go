package fsxapi

import (
	"context"

	"github.com/fsxd/fsxd/idempotency"
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
		out, err = idempotency.Once(tx, op, token, req, s.now(), func() (*Out, string, error) { return fn(tx) })
		return err
	})
	if err != nil {
		return nil, err // a commit can fail after fn succeeded
	}
	return out, nil
}
