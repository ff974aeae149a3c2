package accesspoint

import (
	"context"
	"errors"
	"time"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/fsxapi"
	"github.com/fsxd/fsxd/idempotency"
	"github.com/fsxd/fsxd/store"
)

// create is CreateAndAttachS3AccessPoint. Checks that need no store come
// first; then one transaction replays the token, checks the volume, the
// name and the quotas, and inserts the attachment, its alias and the token
// together, so concurrent creates (on any node) cannot both win a name.
func (s *Service) create(ctx context.Context, in *fsxapi.CreateAndAttachS3AccessPointRequest) (*fsxapi.CreateAndAttachS3AccessPointResponse, error) {
	a, err := draft(in)
	if err != nil {
		return nil, err
	}
	if err := s.checkS3Side(a); err != nil {
		return nil, err
	}
	var out *fsxapi.CreateAndAttachS3AccessPointResponse
	err = s.st.Update(ctx, func(tx *store.Tx) error {
		now := s.now()
		var err error
		out, err = idempotency.Once(tx, fsxd.OpCreateAndAttachS3AccessPoint, in.ClientRequestToken, in, noSensitive, now, func() (*fsxapi.CreateAndAttachS3AccessPointResponse, string, error) {
			if err := s.insert(tx, a, now); err != nil {
				return nil, "", err
			}
			w := s.toWire(a)
			return &fsxapi.CreateAndAttachS3AccessPointResponse{S3AccessPointAttachment: &w}, a.Name, nil
		})
		return err
	})
	if err != nil {
		return nil, err // a commit can fail after fn succeeded
	}
	return out, nil
}

// checkS3Side makes the checks S3's CreateAccessPoint and
// PutAccessPointPolicy would make; FSx reports their refusals as
// InvalidRequest with S3's code in ErrorCode (docs/decisions.md, "S3 errors inside FSx errors"; UNCONFIRMED).
func (s *Service) checkS3Side(a *fsxd.Attachment) error {
	if a.VpcID != "" {
		if _, ok := s.cfg.VPCs[a.VpcID]; !ok {
			return awserr.InvalidRequest.Err("The VPC %s does not exist: it is not among the VPCs declared to this fsxd.", a.VpcID).
				With("ErrorCode", "InvalidVpcConfiguration")
		}
	}
	if a.Policy != "" {
		if err := checkPolicy(a.Policy); err != nil {
			return fsxPolicyError(err)
		}
	}
	return nil
}

// insert completes a and stores it with its alias.
func (s *Service) insert(tx *store.Tx, a *fsxd.Attachment, now time.Time) error {
	vol, err := checkVolume(tx, a)
	if err != nil {
		return err
	}
	if _, err := attachments(tx).Get(a.Name); err == nil {
		return awserr.AccessPointAlreadyOwnedByYou.Err("An access point named %s already exists in this account and Region.", a.Name).
			With("ErrorCode", "AccessPointAlreadyOwnedByYou")
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if err := s.checkQuotas(tx, vol.FileSystemID); err != nil {
		return err
	}
	a.FileSystemID = vol.FileSystemID
	a.Lifecycle = fsxd.Creating
	a.CreationTime = now
	if a.Policy != "" {
		a.PolicyTime = now
		if a.PolicyIDs, err = s.bindPolicy(tx, a.Policy); err != nil {
			return fsxPolicyError(err)
		}
	}
	if a.Alias, err = s.insertAlias(tx, a.Name); err != nil {
		return err
	}
	if err := setPending(tx, a.Name, fsxd.Creating, now); err != nil {
		return err
	}
	if err := addCounts(tx, a.FileSystemID, 1); err != nil {
		return err
	}
	return attachments(tx).Insert(a.Name, a)
}

// checkQuotas counts every attachment, DELETING ones included: their S3
// access points exist until they are gone (counts.go).
func (s *Service) checkQuotas(tx *store.Tx, fsID string) error {
	total, onFS, err := quotaCounts(tx, fsID)
	switch {
	case err != nil:
		return err
	case total >= s.cfg.MaxPerAccount:
		return awserr.TooManyAccessPoints.Err("You have reached the maximum of %d S3 access points in this account and Region.", s.cfg.MaxPerAccount).
			With("ErrorCode", "TooManyAccessPoints")
	case onFS >= s.cfg.MaxPerFileSystem:
		return awserr.TooManyAccessPoints.Err("File system %s has reached the maximum of %d S3 access point attachments.", fsID, s.cfg.MaxPerFileSystem).
			With("ErrorCode", "TooManyAccessPoints")
	}
	return nil
}

// noSensitive is the idempotency mask of the access point requests: the
// model marks none of their members sensitive. Were one added, it would be
// hidden rather than kept (idempotency.Mask).
var noSensitive idempotency.Mask
