package server

// While the metadata store is unreachable a node answers 503 and says so on
// /_fsxd/health; when the database is back it serves again by itself. Two
// mechanisms: the store-health loop (checkStore) records the outage so
// requests are refused before they touch the store, and guardedBackend
// turns a store error met by a request before the loop noticed into the
// same 503, in the request's protocol.

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/awsjson"
	"github.com/fsxd/fsxd/store"
)

const storeDownMsg = "The metadata store is unavailable; try again."

// guardedBackend maps store.ErrUnavailable to the 503 that the request's
// protocol answers, as its boundary (Server.ServeHTTP, from api.outage)
// recorded in the request's record. Background jobs (no record in ctx) get
// the error as it is. It also times every transaction for the metrics
// (waits.go).
type guardedBackend struct {
	store.Backend
	waits *waitCounter
}

func (g guardedBackend) View(ctx context.Context, fn func(store.Raw) error) error {
	start := time.Now()
	err := g.Backend.View(ctx, fn)
	g.waits.observeSince(start)
	return unavailableAs(ctx, err)
}

func (g guardedBackend) Update(ctx context.Context, fn func(store.Raw) error) error {
	start := time.Now()
	err := g.Backend.Update(ctx, fn)
	g.waits.observeSince(start)
	return unavailableAs(ctx, err)
}

func unavailableAs(ctx context.Context, err error) error {
	c := outageFrom(ctx)
	if c.Name == "" || !errors.Is(err, store.ErrUnavailable) || errors.As(err, new(*awserr.Error)) {
		return err
	}
	return c.Err(storeDownMsg).Wrap(err)
}

// storeDown is the recorded outage as the error c, or nil.
func (s *Server) storeDown(c awserr.Code) *awserr.Error {
	if p := s.storeErr.Load(); p != nil && *p != nil {
		return c.Err(storeDownMsg).Wrap(*p)
	}
	return nil
}

// refuseWhileDown answers 503 while the store is down and returns the
// error it wrote, or nil. A node that cannot reach the store cannot hear
// other nodes' changes either, so it must not serve from its caches. IAM
// renders its own error shape and is left to guardedBackend.
func (s *Server) refuseWhileDown(w http.ResponseWriter, r *http.Request, a api) error {
	e := s.storeDown(a.outage)
	if e == nil || a.name == "iam" {
		return nil
	}
	if a.name == "fsx" {
		awsjson.WriteError(w, e)
	} else {
		awserr.WriteXML(w, r, e, r.URL.Path, awserr.RequestID(r.Context()))
	}
	return e
}

// storeCheckEvery is how often checkStore runs: the bound on noticing an
// outage (plus the ping's timeout) and on noticing the recovery.
const storeCheckEvery = time.Second

// checkStore is the store-health job: probeStore, its outcome logged there.
func (s *Server) checkStore(ctx context.Context) error {
	s.probeStore(ctx)
	return nil
}

// probeStore pings the database (bounded, so a partitioned database does
// not hang the caller), records the outcome for refuseWhileDown and the
// background jobs, logs a change, and returns the ping's error. Health
// probes call it too, so what /_fsxd/health says and what requests get
// agree.
func (s *Server) probeStore(ctx context.Context) error {
	pctx, cancel := context.WithTimeout(ctx, 2*storeCheckEvery)
	defer cancel()
	err := s.store.Ping(pctx)
	if ctx.Err() != nil {
		return err // the caller went away: no verdict on the store
	}
	prev := s.storeErr.Swap(&err)
	wasDown := prev != nil && *prev != nil
	switch {
	case err != nil && !wasDown:
		s.log.Error("metadata store unreachable: answering 503 until it is back", "err", err)
	case err == nil && wasDown:
		s.log.Info("metadata store reachable again")
	}
	return err
}
