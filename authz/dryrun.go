package authz

// A dry run asks the checker what it would decide without the request
// being performed: the console greys out what its user may not do by
// asking the APIs, signed as that user, with this marker in the request's
// context. Only in-process callers can set it; no header or parameter
// does.

import (
	"context"
	"errors"
)

// ErrDryRun answers a dry run that every check allowed. Front ends render
// it as awserr.DryRunOperation.
var ErrDryRun = errors.New("authz: dry run: the request would have been allowed")

// DryRun is what a dry run found: the first refusal, nil when every check
// passed.
type DryRun struct {
	Denied *Denial
}

type dryRunKey struct{}

// WithDryRun marks ctx's requests as questions: Check decides in full,
// records a refusal in d, and answers an allowed request with ErrDryRun
// instead of nil, so the front end performs nothing.
func WithDryRun(ctx context.Context, d *DryRun) context.Context {
	return context.WithValue(ctx, dryRunKey{}, d)
}

// IsDryRun reports whether ctx carries WithDryRun's marker; the server
// neither logs nor counts such requests.
func IsDryRun(ctx context.Context) bool {
	_, ok := ctx.Value(dryRunKey{}).(*DryRun)
	return ok
}

// dryRun turns the decision err into a dry run's answer when ctx asks.
func dryRun(ctx context.Context, err error) error {
	d, ok := ctx.Value(dryRunKey{}).(*DryRun)
	if !ok {
		return err
	}
	var den *Denial
	switch {
	case errors.As(err, &den):
		if d.Denied == nil {
			d.Denied = den
		}
	case err == nil:
		return ErrDryRun
	}
	return err
}
