package accesspoint

import (
	"context"
	"errors"
	"time"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/store"
)

// The lifecycle (docs/decisions.md, "Attachment lifecycle and the data plane"):
//
//	CREATING --Reconcile, identity resolves and volume root is a directory--> AVAILABLE
//	CREATING --Reconcile, either fails--> FAILED (reason; terminal)
//	AVAILABLE <--HealthCheck, or a failed check on use--> MISCONFIGURED (reason)
//	any --DetachAndDeleteS3AccessPoint--> DELETING --Reconcile--> gone
//	AVAILABLE|MISCONFIGURED --S3 Control DeleteAccessPoint--> FAILED
//
// UPDATING is never entered: there is no update operation, and policy
// changes apply at once. Every transition is one store.Update that re-reads
// the record and only acts if it is still in the state the decision was
// made on, so several nodes may reconcile the same store.

// store.PendingAttachments indexes attachments that Reconcile must move on
// (CREATING and DELETING) with the time they entered that state: Reconcile
// then reads only these, and the delay survives restarts (fsxd.Attachment
// has no field for when DELETING began). A record lives exactly as long as
// the state it describes.
type pendingRecord = store.PendingAttachment

func pendings(tx *store.Tx) store.Table[pendingRecord] { return store.PendingAttachments.In(tx) }

func setPending(tx *store.Tx, name, lifecycle string, now time.Time) error {
	return pendings(tx).Put(name, &pendingRecord{Name: name, Lifecycle: lifecycle, Since: now})
}

func clearPending(tx *store.Tx, name string) error {
	err := pendings(tx).Delete(name)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}

// Reconcile moves CREATING and DELETING attachments on once they have been
// in that state for LifecycleDelay. An attachment whose checks fail
// transiently (an unreadable name-service file) stays CREATING and is
// retried next time; the errors are returned joined.
func (s *Service) Reconcile(ctx context.Context) error {
	var all []*pendingRecord
	err := s.st.View(ctx, func(tx *store.Tx) error {
		var err error
		all, _, err = pendings(tx).List("", 0, nil)
		return err
	})
	if err != nil {
		return err
	}
	now := s.now()
	var errs []error
	for _, p := range all {
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case now.Sub(p.Since) < s.cfg.LifecycleDelay:
		case p.Lifecycle == fsxd.Deleting:
			errs = append(errs, s.finishDelete(ctx, p.Name))
		default:
			errs = append(errs, s.finishCreate(ctx, p.Name))
		}
	}
	return errors.Join(errs...)
}

// finishCreate decides CREATING → AVAILABLE or FAILED. The checks run
// outside the transaction (they read files); the transaction applies the
// verdict only to the incarnation that was checked.
func (s *Service) finishCreate(ctx context.Context, name string) error {
	a, err := s.get(ctx, name)
	if err != nil || a == nil || a.Lifecycle != fsxd.Creating {
		return err
	}
	v, err := s.evaluate(ctx, a)
	if err != nil {
		return err
	}
	return s.st.Update(ctx, func(tx *store.Tx) error {
		cur, err := attachments(tx).Get(name)
		if errors.Is(err, store.ErrNotFound) {
			return clearPending(tx, name)
		}
		if err != nil || cur.Lifecycle != fsxd.Creating || cur.Alias != a.Alias {
			return err
		}
		v.apply(cur, fsxd.Failed)
		if err := attachments(tx).Put(name, cur); err != nil {
			return err
		}
		return clearPending(tx, name)
	})
}

// finishDelete removes a DELETING attachment with its alias.
func (s *Service) finishDelete(ctx context.Context, name string) error {
	return s.st.Update(ctx, func(tx *store.Tx) error {
		cur, err := attachments(tx).Get(name)
		if errors.Is(err, store.ErrNotFound) {
			return clearPending(tx, name)
		}
		if err != nil || cur.Lifecycle != fsxd.Deleting {
			return err
		}
		if err := deleteAlias(tx, cur.Alias, name); err != nil {
			return err
		}
		if err := attachments(tx).Delete(name); err != nil {
			return err
		}
		if err := addCounts(tx, cur.FileSystemID, -1); err != nil {
			return err
		}
		return clearPending(tx, name)
	})
}

// get reads one attachment; nil when there is none.
func (s *Service) get(ctx context.Context, name string) (*fsxd.Attachment, error) {
	var a *fsxd.Attachment
	err := s.st.View(ctx, func(tx *store.Tx) error {
		var err error
		a, err = attachments(tx).Get(name)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		return err
	})
	return a, err
}
