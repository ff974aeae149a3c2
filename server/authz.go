package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"

	"github.com/fsxd/fsxd/auth"
	"github.com/fsxd/fsxd/authz"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/iamapi"
	"github.com/fsxd/fsxd/s3api"
	"github.com/fsxd/fsxd/secret"
)

// wireIdentity builds IAM/STS and the authorization checker every API
// consults. The master key that seals access key secrets lives beside the
// store, never in it.
func (s *Server) wireIdentity() error {
	keyFile := s.cfg.MasterKeyFile
	if keyFile == "" {
		keyFile = filepath.Join(s.cfg.DataDir, "master.key")
	}
	box, err := secret.LoadOrCreate(keyFile)
	if err != nil {
		return fmt.Errorf("master key: %w", err)
	}
	s.iamSvc = iamapi.New(iamapi.Config{Store: s.store, Account: s.account, Secrets: box, Now: s.cfg.Now, Logger: s.log,
		Authenticate: func(r *http.Request) (*auth.Principal, error) {
			p, _, err := s.auth.Authenticate(r, auth.Query)
			if err == nil {
				infoFrom(r.Context()).principal = p
			}
			return p, err
		},
		Authorize: func(ctx context.Context, p *auth.Principal, action, resource string) error {
			return denyAs(s.checker.Check(ctx, authz.Request{Principal: p, Action: action, Resource: resource}), awserr.IAMAccessDenied)
		}})
	s.checker, err = authz.NewChecker(s.iamSvc.IdentityPolicies, s.cfg.VPCs, s.cfg.Now)
	if err != nil {
		return err
	}
	s.iam = api{name: "iam", serve: s.iamSvc.Serve, operation: s.iamSvc.Operation, outage: awserr.ServiceUnavailable, refuse: &refusals{max: iamapi.MaxBody,
		tooLarge:   func() error { return iamapi.ErrBodyTooLarge() },
		unreadable: func(err error) error { return iamapi.ErrBodyUnreadable(err) },
		busy:       awserr.QueryServiceUnavailable,
		write:      s.iamSvc.WriteError,
	}}
	s.fsx.Authorize = s.authorizeFSx
	return nil
}

// denyAs renders an authz refusal in an API's vocabulary, with no detail
// about whose policy said no.
func denyAs(err error, c awserr.Code) error {
	if errors.Is(err, authz.ErrDenied) {
		return c.Err("").Wrap(err)
	}
	return err
}

// authorizeS3Control is S3 Control's check: the action on the access point.
func (s *Server) authorizeS3Control(ctx context.Context, p *auth.Principal, action, resource string) error {
	info := infoFrom(ctx)
	info.action, info.resource = action, resource
	if _, name, ok := strings.Cut(resource, ":accesspoint/"); ok {
		info.accessPoint = name
	}
	return denyAs(s.checker.Check(ctx, authz.Request{Principal: p, Action: action, Resource: resource}), awserr.AccessDenied)
}

// authorizeS3 is the data plane's check: the VPC rule, then the caller's
// identity policies and the access point's policy.
func (s *Server) authorizeS3(ctx context.Context, req s3api.Request) error {
	ap := req.AP
	info := infoFrom(ctx)
	if info.accessPoint == "" { // the request's own; a copy's source comes later
		info.accessPoint, info.key = ap.Name, req.Key
	}
	info.action = req.Action
	info.resource = authz.S3Resource(ap.ARN, req.Key)
	err := s.checker.Check(ctx, authz.Request{
		Principal: req.Principal, Action: req.Action, Resource: info.resource, Context: req.Context,
		AccessPoint: &authz.AccessPointInfo{Name: ap.Name, ARN: ap.ARN, AccountID: ap.AccountID, VpcID: ap.VpcID, Policy: ap.Policy},
	})
	return denyAs(err, awserr.AccessDenied)
}
