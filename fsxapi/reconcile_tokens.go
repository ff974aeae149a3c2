package fsxapi

import (
	"context"
	"sync"

	"github.com/fsxd/fsxd/idempotency"
	"github.com/fsxd/fsxd/store"
)

// tokensPerPass bounds the idempotency records one reconcile pass reads,
// however many the table holds.
const tokensPerPass = 256

// tokenScan is where the expiry of idempotency records resumes.
type tokenScan struct {
	mu     sync.Mutex
	cursor string
}

// expireTokens forgets the idempotency records older than
// idempotency.Keep among the next tokensPerPass: it reads in a view and
// writes only when it has something to delete.
func (s *Service) expireTokens(ctx context.Context) error {
	s.tokens.mu.Lock()
	defer s.tokens.mu.Unlock()
	cutoff := s.now().Add(-idempotency.Keep)
	var keys []string
	var next string
	err := s.view(ctx, func(tx *store.Tx) error {
		var err error
		keys, next, err = idempotency.Expired(tx, s.tokens.cursor, tokensPerPass, cutoff)
		return err
	})
	if err == nil && len(keys) > 0 {
		err = s.update(ctx, func(tx *store.Tx) error { return idempotency.Forget(tx, keys, cutoff) })
	}
	if err != nil {
		return err
	}
	s.tokens.cursor = next
	return nil
}
