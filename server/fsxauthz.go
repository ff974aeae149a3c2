package server

import (
	"context"

	"github.com/fsxd/fsxd/fsxapi"
)

// authorizeFSx is the FSx mux's Authorize: fsxapi decides what an FSx
// request names and needs; the server lends its checker and logs the
// access point an attachment operation names.
func (s *Server) authorizeFSx(ctx context.Context, op string, in any) error {
	a := fsxapi.Authorizer{Service: s.fsxSvc, Checker: s.checker, Named: noteAccessPoint}
	return a.Authorize(ctx, op, in)
}

func noteAccessPoint(ctx context.Context, name string) { infoFrom(ctx).accessPoint = name }
