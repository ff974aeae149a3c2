package server

import (
	"context"
	"encoding/json"
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
	"github.com/fsxd/fsxd/store"
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

// fsxTarget is what an FSx request body names, for the resource ARN.
type fsxTarget struct {
	FileSystemID            string `json:"FileSystemId"`
	VolumeID                string `json:"VolumeId"`
	StorageVirtualMachineID string `json:"StorageVirtualMachineId"`
	SnapshotID              string `json:"SnapshotId"`
	BackupID                string `json:"BackupId"`
	SourceBackupID          string `json:"SourceBackupId"`
	ResourceARN             string
	Name                    string
	OpenZFSConfiguration    *struct {
		VolumeID       string `json:"VolumeId"`
		ParentVolumeID string `json:"ParentVolumeId"`
	}
	OntapConfiguration *struct {
		VolumeID                string `json:"VolumeId"`
		StorageVirtualMachineID string `json:"StorageVirtualMachineId"`
	}
	S3AccessPoint *struct{ Policy *string }
	// Tags and TagKeys become condition keys (fsxtags.go).
	Tags    []struct{ Key, Value *string }
	TagKeys []string
}

// authorizeFSx checks every permission an FSx operation needs, on the
// most specific resource its request names.
func (s *Server) authorizeFSx(ctx context.Context, op string, body []byte) error {
	p := auth.FromContext(ctx)
	if p == nil {
		return awserr.JSONAccessDenied.Err("")
	}
	var t fsxTarget
	_ = json.Unmarshal(body, &t) // malformed bodies fail validation next
	target := s.fsxResource(ctx, &t)
	var needs []authz.Need
	switch op {
	case "CreateAndAttachS3AccessPoint", "DetachAndDeleteS3AccessPoint":
		infoFrom(ctx).accessPoint = t.Name
		hasPolicy := t.S3AccessPoint != nil && t.S3AccessPoint.Policy != nil
		needs = authz.AttachmentNeeds(s.account, op, t.Name, target, hasPolicy)
	default:
		for _, a := range authz.FSxAction(op) {
			needs = append(needs, authz.Need{Action: a, Resource: authz.FSxResource(s.account, target)})
		}
	}
	reqKeys, err := s.fsxTagKeys(ctx, p, &t, authz.FSxResource(s.account, target), needs)
	if err != nil {
		return err
	}
	err = s.checker.CheckAll(ctx, authz.Request{Principal: p, Context: reqKeys}, needs)
	if errors.Is(err, authz.ErrDenied) {
		return awserr.JSONAccessDenied.Err("User: %s is not authorized to perform: %s", p.ARN, firstAction(needs)).Wrap(err)
	}
	return err
}

func firstAction(needs []authz.Need) string {
	if len(needs) == 0 {
		return ""
	}
	return needs[0].Action
}

// fsxResource completes what the request names: a volume's or SVM's ARN
// needs its file system id, which only the store knows.
func (s *Server) fsxResource(ctx context.Context, t *fsxTarget) authz.FSxTarget {
	out := authz.FSxTarget{ResourceARN: t.ResourceARN, FileSystemID: t.FileSystemID, VolumeID: t.VolumeID, SVMID: t.StorageVirtualMachineID}
	if c := t.OpenZFSConfiguration; c != nil && out.VolumeID == "" {
		out.VolumeID = c.VolumeID
		if out.VolumeID == "" {
			out.VolumeID = c.ParentVolumeID
		}
	}
	if c := t.OntapConfiguration; c != nil {
		if out.VolumeID == "" {
			out.VolumeID = c.VolumeID
		}
		if out.SVMID == "" {
			out.SVMID = c.StorageVirtualMachineID
		}
	}
	if t.SnapshotID != "" && out.VolumeID == "" {
		out.SnapshotID = t.SnapshotID
		_ = s.store.View(ctx, func(tx *store.Tx) error {
			if r, err := store.Snapshots.In(tx).Get(t.SnapshotID); err == nil {
				out.SnapshotVolumeID = r.VolumeID
			}
			return nil
		})
		return out
	}
	if out.BackupID = t.BackupID; out.BackupID == "" {
		out.BackupID = t.SourceBackupID
	}
	if out.BackupID != "" {
		return out
	}
	if out.FileSystemID != "" || (out.VolumeID == "" && out.SVMID == "") {
		return out
	}
	_ = s.store.View(ctx, func(tx *store.Tx) error {
		if out.VolumeID != "" {
			if v, err := store.Volumes.In(tx).Get(out.VolumeID); err == nil {
				out.FileSystemID = v.FileSystemID
			}
		} else if v, err := store.SVMs.In(tx).Get(out.SVMID); err == nil {
			out.FileSystemID = v.FileSystemID
		}
		return nil
	})
	return out
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
