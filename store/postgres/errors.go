package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/fsxd/fsxd/store"
	"github.com/jackc/pgx/v5/pgconn"
)

// retryable reports a conflict with a concurrent transaction, after which
// running the transaction again may succeed.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01") // serialization_failure, deadlock_detected
}

// mapErr wraps errors that mean "the database cannot serve now" with
// store.ErrUnavailable, so the server answers 503 rather than 500. A
// canceled or expired ctx is the caller's doing and is left alone.
func mapErr(ctx context.Context, err error) error {
	if err == nil || ctx.Err() != nil || !unavailable(err) {
		return err
	}
	return fmt.Errorf("%w: %w", store.ErrUnavailable, err)
}

func unavailable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case strings.HasPrefix(pe.Code, "08"): // connection exception
			return true
		case strings.HasPrefix(pe.Code, "53"): // insufficient resources: disk full, too many connections
			return true
		case strings.HasPrefix(pe.Code, "57P"): // the server is shutting down or starting up
			return true
		}
		return pe.Code == "57014" // statement_timeout: overloaded, or a lock held too long
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || pgconn.Timeout(err) ||
		errors.Is(err, pgconn.ErrConnClosed) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}
