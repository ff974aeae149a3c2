package accesspoint

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/importpath"
	"github.com/fsxd/fsxd/nameservice"
	"github.com/fsxd/fsxd/store"
	"github.com/fsxd/fsxd/volume"
)

// verdict is what checking an attachment against the world found.
type verdict struct {
	id      fsxd.PosixIdentity // the resolved identity, when problem is ""
	problem string             // why it cannot serve; "" when it can
}

// apply records v on a: AVAILABLE with the identity, or bad (FAILED when
// creating, MISCONFIGURED later) with the reason.
func (v verdict) apply(a *fsxd.Attachment, bad string) {
	if v.problem != "" {
		a.Lifecycle, a.Reason = bad, reason(v.problem)
		return
	}
	id := v.id
	a.Lifecycle, a.Reason, a.Resolved = fsxd.Available, "", &id
}

// evaluate checks that a's volume is there and mounted, its root directory
// exists, and its identity resolves. A transient failure (store, an
// unreadable name-service file) is an error: callers leave the attachment
// as it is and try again later.
func (s *Service) evaluate(ctx context.Context, a *fsxd.Attachment) (verdict, error) {
	var vol *fsxd.Volume
	err := s.st.View(ctx, func(tx *store.Tx) error {
		var err error
		vol, err = volumes(tx).Get(a.VolumeID)
		return err
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		return verdict{problem: fmt.Sprintf("Volume %s no longer exists.", a.VolumeID)}, nil
	case err != nil:
		return verdict{}, err
	case vol.Lifecycle == fsxd.Deleting || vol.Lifecycle == fsxd.Failed:
		return verdict{problem: fmt.Sprintf("Volume %s is %s.", vol.ID, vol.Lifecycle)}, nil
	case a.Type == fsxd.TypeONTAP && vol.JunctionPath == "":
		return verdict{problem: fmt.Sprintf("Volume %s is not mounted: it has no junction path.", vol.ID)}, nil
	}
	if err := s.cfg.Imports.Serves(vol.Dir); err != nil {
		s.cfg.Logger.Warn("volume directory no longer allowed", "attachment", a.Name, "volume", vol.ID, "dir", vol.Dir, "err", err)
		return verdict{problem: notAllowed(vol.ID)}, nil
	}
	if err := s.cache.checkDir(vol.Dir); err != nil {
		// The reason reaches API callers: it names the volume, not the
		// server's paths; the log has the details.
		s.cfg.Logger.Info("volume root unavailable", "attachment", a.Name, "volume", vol.ID, "err", err)
		return verdict{problem: fmt.Sprintf("The root directory of volume %s is missing, replaced or unmounted.", vol.ID)}, nil
	}
	if vol.RootID != "" {
		if cur, err := volume.DirID(vol.Dir); err != nil || cur != vol.RootID {
			s.cfg.Logger.Info("volume root identity changed", "attachment", a.Name, "volume", vol.ID, "err", err)
			return verdict{problem: replacedRoot(vol.ID)}, nil
		}
	}
	id, err := s.cfg.Names.Resolve(vol.SVMID, a)
	var ue *nameservice.ErrUnresolved
	if errors.As(err, &ue) {
		return verdict{problem: ue.Msg}, nil
	}
	if err != nil {
		return verdict{}, err
	}
	return verdict{id: id}, nil
}

// notAllowed is the reason an imported volume stops serving when the
// operator withdrew its import root. It names the flag, not the server's
// paths.
func notAllowed(volID string) string {
	return fmt.Sprintf("Volume %s is an imported directory that this server no longer allows (%s).", volID, importpath.Flag)
}

// HealthCheck moves AVAILABLE attachments that can no longer serve to
// MISCONFIGURED, with the reason, and MISCONFIGURED ones that can again
// back to AVAILABLE. It also refreshes an AVAILABLE attachment's resolved
// identity when the name service now answers differently (a user's UID
// changed in the SVM's file).
func (s *Service) HealthCheck(ctx context.Context) error {
	var list []*fsxd.Attachment
	err := s.st.View(ctx, func(tx *store.Tx) error {
		var err error
		list, _, err = attachments(tx).List("", 0, func(a *fsxd.Attachment) bool {
			return a.Lifecycle == fsxd.Available || a.Lifecycle == fsxd.Misconfigured
		})
		return err
	})
	if err != nil {
		return err
	}
	var errs []error
	for _, a := range list {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		errs = append(errs, s.checkOne(ctx, a))
	}
	return errors.Join(errs...)
}

// checkOne re-evaluates one AVAILABLE or MISCONFIGURED attachment and
// records a change, if any.
func (s *Service) checkOne(ctx context.Context, a *fsxd.Attachment) error {
	v, err := s.evaluate(ctx, a)
	if err != nil || unchanged(a, v) {
		return err
	}
	return s.st.Update(ctx, func(tx *store.Tx) error {
		cur, err := attachments(tx).Get(a.Name)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil || cur.Alias != a.Alias || cur.Lifecycle != a.Lifecycle {
			return err // gone, re-created or moved on meanwhile
		}
		v.apply(cur, fsxd.Misconfigured)
		if cur.Lifecycle != a.Lifecycle {
			s.cfg.Logger.Info("access point attachment health changed", "name", a.Name, "lifecycle", cur.Lifecycle, "reason", cur.Reason)
		}
		return attachments(tx).Put(a.Name, cur)
	})
}

func unchanged(a *fsxd.Attachment, v verdict) bool {
	if v.problem != "" {
		return a.Lifecycle == fsxd.Misconfigured && a.Reason == reason(v.problem)
	}
	return a.Lifecycle == fsxd.Available && a.Resolved != nil && sameIdentity(*a.Resolved, v.id)
}

func sameIdentity(x, y fsxd.PosixIdentity) bool {
	return x.UID == y.UID && x.GID == y.GID && slices.Equal(x.Groups, y.Groups)
}

// checkOnUse re-checks an attachment the data plane found broken, in the
// background and at most once at a time per attachment.
func (s *Service) checkOnUse(name string) {
	if _, busy := s.checking.LoadOrStore(name, struct{}{}); busy {
		return
	}
	go func() {
		defer s.checking.Delete(name)
		ctx := context.Background()
		a, err := s.get(ctx, name)
		if err == nil && a != nil && (a.Lifecycle == fsxd.Available || a.Lifecycle == fsxd.Misconfigured) {
			err = s.checkOne(ctx, a)
		}
		if err != nil {
			s.cfg.Logger.Warn("access point check on use failed", "name", name, "err", err)
		}
	}()
}

// dirExists is the check used when no root is open for a directory.
func dirExists(dir string) error {
	st, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	return nil
}
