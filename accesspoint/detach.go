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

// detach is DetachAndDeleteS3AccessPoint. It may be called in any state;
// the attachment turns DELETING at once, which stops the data plane from
// serving it (Resolver), and Reconcile removes it after LifecycleDelay.
// Detaching a DELETING attachment again answers the same.
func (s *Service) detach(ctx context.Context, in *fsxapi.DetachAndDeleteS3AccessPointRequest) (*fsxapi.DetachAndDeleteS3AccessPointResponse, error) {
	name := deref(in.Name)
	var out *fsxapi.DetachAndDeleteS3AccessPointResponse
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		now := s.now()
		var err error
		out, err = idempotency.Once(tx, fsxd.OpDetachAndDeleteS3AccessPoint, in.ClientRequestToken, in, noSensitive, now, func() (*fsxapi.DetachAndDeleteS3AccessPointResponse, string, error) {
			if err := markDeleting(tx, name, now); err != nil {
				return nil, "", err
			}
			return &fsxapi.DetachAndDeleteS3AccessPointResponse{Lifecycle: ptr(fsxd.Deleting), Name: ptr(name)}, name, nil
		})
		return err
	})
	if err != nil {
		return nil, err // a commit can fail after fn succeeded
	}
	return out, nil
}

// markDeleting turns name DELETING (unless it already is).
func markDeleting(tx *store.Tx, name string, now time.Time) error {
	a, err := attachments(tx).Get(name)
	if errors.Is(err, store.ErrNotFound) {
		return awserr.S3AccessPointAttachmentNotFound.Err("The S3 access point attachment %s was not found.", name)
	}
	if err != nil || a.Lifecycle == fsxd.Deleting {
		return err
	}
	a.Lifecycle = fsxd.Deleting
	if err := attachments(tx).Put(name, a); err != nil {
		return err
	}
	return setPending(tx, name, fsxd.Deleting, now)
}
