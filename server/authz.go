package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/auth"
	"github.com/fsxd/fsxd/authz"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/iamapi"
	"github.com/fsxd/fsxd/identity"
	"github.com/fsxd/fsxd/s3api"
	"github.com/fsxd/fsxd/secret"
)

// wireIdentity builds, in this order, the identity core, the
// authenticator and the authorization checker over it, and the IAM/STS
// front end over all three: each piece exists before the next needs it.
// The master key that seals access key secrets lives beside the store,
// never in it.
func (s *Server) wireIdentity() error {
	keyFile := s.cfg.MasterKeyFile
	if keyFile == "" {
		keyFile = filepath.Join(s.cfg.DataDir, "master.key")
	}
	box, err := secret.LoadOrCreate(keyFile)
	if err != nil {
		return fmt.Errorf("master key: %w", err)
	}
	s.secrets = box
	dir := identity.New(identity.Config{Store: s.store, Account: s.account, Secrets: box, Now: s.cfg.Now,
		Root: identity.RootKey{ID: s.root.AccessKeyID, Secret: s.root.SecretAccessKey}})
	s.dir = dir
	// Expired sessions go a day after their end (identity.SessionGrace).
	s.loops = append(s.loops, loop{name: "session-expiry", interval: time.Minute, run: dir.ExpireSessions})
	s.auth = &auth.Authenticator{Lookup: dir.LookupKey, Now: s.cfg.Now, Region: s.cfg.Region}
	if s.checker, err = authz.NewChecker(dir.IdentityPolicies, s.cfg.VPCs, s.cfg.Now); err != nil {
		return err
	}
	s.checker.Session = dir.SessionPolicies // STS session policies narrow every API
	s.checker.Region = s.cfg.Region
	s.iamSvc = iamapi.New(iamapi.Config{Identity: dir, Checker: s.checker, Now: s.cfg.Now, Logger: s.log,
		Authenticate: s.authenticateQuery})
	s.iam = api{name: "iam", serve: s.iamSvc.Serve, operation: s.iamSvc.Operation, outage: awserr.ServiceUnavailable, refuse: &refusals{max: iamapi.MaxBody,
		tooLarge:   func() error { return iamapi.ErrBodyTooLarge() },
		unreadable: func(err error) error { return iamapi.ErrBodyUnreadable(err) },
		busy:       awserr.QueryServiceUnavailable,
		write:      s.iamSvc.WriteError,
	}}
	s.fsx.Authorize = s.authorizeFSx
	return nil
}

// authenticateQuery verifies an IAM or STS request; errors are in the
// Query vocabulary.
func (s *Server) authenticateQuery(r *http.Request) (*fsxd.Principal, error) {
	p, _, err := s.auth.Authenticate(r, auth.Query)
	if err == nil {
		infoFrom(r.Context()).principal = p
	}
	return p, err
}

// denyAs renders an authz refusal in an API's vocabulary, with no detail
// about whose policy said no, and a dry run's answer (authz.WithDryRun).
func denyAs(err error, c awserr.Code) error {
	switch {
	case errors.Is(err, authz.ErrDenied):
		return c.Err("").Wrap(err)
	case errors.Is(err, authz.ErrDryRun):
		return awserr.DryRunOperation.Err("")
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
		AccessPoint: &authz.AccessPointInfo{Name: ap.Name, ARN: ap.ARN, AccountID: ap.AccountID, VpcID: ap.VpcID, Policy: ap.Policy, Bound: ap.PolicyBound},
	})
	return denyAs(err, awserr.AccessDenied)
}
