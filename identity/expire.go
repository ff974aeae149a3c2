package identity

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/fsxd/fsxd/store"
)

// SessionGrace is how long a session's record outlives its expiry. Until
// then a client still sending its token is told ExpiredToken, which SDKs
// act on by refreshing, rather than that the key does not exist.
const SessionGrace = 24 * time.Hour

// sessionsPerPass bounds the session records one ExpireSessions call
// reads, however many the table holds.
const sessionsPerPass = 256

// sessionScan is where ExpireSessions resumes.
type sessionScan struct {
	mu     sync.Mutex
	cursor string
}

// ExpireSessions deletes, among the next sessionsPerPass session records,
// those expired more than SessionGrace ago and those whose role or user is
// gone (or was made again under its name), which can never authenticate
// again. Without it every AssumeRole, GetSessionToken and
// GetFederationToken would add a record for ever. It reads in a view and
// writes, in one transaction, only when it has something to delete; run
// on every node at once, a delete another node made first is skipped.
func (d *Directory) ExpireSessions(ctx context.Context) error {
	d.scan.mu.Lock()
	defer d.scan.mu.Unlock()
	cutoff := d.cfg.Now().Add(-SessionGrace)
	var dead []string
	next := ""
	err := d.cfg.Store.View(ctx, func(tx *store.Tx) error {
		list, last, err := Sessions(tx).List(d.scan.cursor, sessionsPerPass, nil)
		if err != nil {
			return err
		}
		if len(list) == sessionsPerPass {
			next = last
		}
		for _, s := range list {
			if d.sessionDead(tx, s, cutoff) {
				dead = append(dead, s.ID)
			}
		}
		return nil
	})
	if err == nil && len(dead) > 0 {
		err = d.cfg.Store.Update(ctx, func(tx *store.Tx) error { return d.forgetSessions(tx, dead, cutoff) })
	}
	if err != nil {
		return err
	}
	d.scan.cursor = next
	return nil
}

// sessionDead reports whether s can be forgotten: expired before cutoff,
// or its role or user gone.
func (d *Directory) sessionDead(tx *store.Tx, s *Session, cutoff time.Time) bool {
	if s.Expires.Before(cutoff) {
		return true
	}
	_, err := d.sessionPrincipal(tx, s)
	return errors.Is(err, store.ErrNotFound)
}

// forgetSessions deletes the sessions ids names that, read again, are
// still dead.
func (d *Directory) forgetSessions(tx *store.Tx, ids []string, cutoff time.Time) error {
	for _, id := range ids {
		s, err := Sessions(tx).Get(id)
		switch {
		case errors.Is(err, store.ErrNotFound):
			continue
		case err != nil:
			return err
		}
		if !d.sessionDead(tx, s, cutoff) {
			continue
		}
		if err := Sessions(tx).Delete(id); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	return nil
}
