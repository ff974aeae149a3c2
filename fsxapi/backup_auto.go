package fsxapi

// Automatic backups: a file system whose AutomaticBackupRetentionDays is
// above 0 gets, once a day at its DailyAutomaticBackupStartTime ("HH:MM",
// UTC), backups of type AUTOMATIC (as CreateBackup makes them: of an
// OpenZFS file system, of each CREATED ONTAP volume); its AUTOMATIC
// backups older than the retention are deleted. Every node's reconciler
// runs the pass (at most every autoBackupEvery); each backup of one due
// time is recorded together with an idempotency record keyed by what it
// backs up and the due time (once), so one node takes it, once, even if
// it is deleted later. Missed due times (fsxd was down) are not made up:
// the pass takes only the latest one, as a late daily backup.

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/store"
)

const (
	// opAutomaticBackup scopes the idempotency records of automatic backups.
	opAutomaticBackup = "AutomaticBackup"
	// autoBackupEvery spaces the passes: start times are whole minutes, and
	// a pass reads every backup record.
	autoBackupEvery = 10 * time.Second
)

// lastDue is the latest time at or before now when a daily backup that
// starts at hhmm ("HH:MM", UTC) was due; false if hhmm is not a time.
func lastDue(now time.Time, hhmm string) (time.Time, bool) {
	t, err := time.Parse("15:04", hhmm)
	if err != nil || len(hhmm) != 5 || !specDailyTime.re.MatchString(hhmm) {
		return time.Time{}, false
	}
	now = now.UTC()
	due := time.Date(now.Year(), now.Month(), now.Day(), t.Hour(), t.Minute(), 0, 0, time.UTC)
	if due.After(now) {
		due = due.AddDate(0, 0, -1)
	}
	return due, true
}

// autoSchedule is a file system's automatic backup settings.
type autoSchedule struct {
	days  int64
	start string
}

// scheduleOf returns the settings of an AVAILABLE file system that asks
// for automatic backups.
func scheduleOf(fs *fsxd.FileSystem) (autoSchedule, bool) {
	if fs.Lifecycle != fsxd.Available {
		return autoSchedule{}, false
	}
	w, err := unwire[FileSystem](fs.Wire)
	var sc autoSchedule
	switch {
	case err != nil:
	case w.OpenZFSConfiguration != nil:
		c := w.OpenZFSConfiguration
		sc = autoSchedule{val(c.AutomaticBackupRetentionDays), val(c.DailyAutomaticBackupStartTime)}
	case w.OntapConfiguration != nil:
		c := w.OntapConfiguration
		sc = autoSchedule{val(c.AutomaticBackupRetentionDays), val(c.DailyAutomaticBackupStartTime)}
	}
	return sc, sc.days > 0
}

// autoTarget is what one automatic backup is of: an OpenZFS file system
// or an ONTAP volume (CreateBackup's FileSystemId or VolumeId).
type autoTarget struct{ fsID, volID string }

func (a autoTarget) key() string { return a.fsID + a.volID }

// targetsOf are the automatic backups fs takes at due: itself (OpenZFS),
// or its ONTAP volumes that were CREATED by then, save the SVMs' root
// volumes (namespace roots that hold only junctions).
func targetsOf(fs *fsxd.FileSystem, vols []*fsxd.Volume, due time.Time) []autoTarget {
	if fs.Type == fsxd.TypeOpenZFS {
		return []autoTarget{{fsID: fs.ID}}
	}
	var out []autoTarget
	for _, v := range vols {
		if v.FileSystemID == fs.ID && v.Type == fsxd.TypeONTAP && v.Lifecycle == fsxd.Created && !v.CreationTime.After(due) && !svmRoot(v) {
			out = append(out, autoTarget{volID: v.ID})
		}
	}
	return out
}

// autoTaken remembers the due time each target's last automatic backup
// was recorded for, so the pass does not write every time, and when the
// last pass ran.
type autoTaken struct {
	m    sync.Map // autoTarget.key() -> time.Time
	last atomic.Int64
}

// due reports whether a pass is due at now, and if so counts it as run.
func (a *autoTaken) due(now time.Time) bool {
	last := a.last.Load()
	if d := now.UnixNano() - last; last != 0 && d >= 0 && d < int64(autoBackupEvery) {
		return false
	}
	return a.last.CompareAndSwap(last, now.UnixNano())
}

func (a *autoTaken) has(key string, due time.Time) bool {
	v, ok := a.m.Load(key)
	return ok && v.(time.Time).Equal(due)
}

// autoBackupPass takes the automatic backups that are due and deletes
// the expired ones.
func (s *Service) autoBackupPass(ctx context.Context, fss []*fsxd.FileSystem, vols []*fsxd.Volume) error {
	if s.cfg.NoAutomaticBackups || !s.taken.due(s.now()) {
		return nil
	}
	var errs []error
	var expiring map[string]int64 // fs id -> retention days
	for _, fs := range fss {
		sc, ok := scheduleOf(fs)
		if !ok {
			continue
		}
		if due, ok := lastDue(s.now(), sc.start); ok && !due.Before(fs.CreationTime) {
			for _, a := range targetsOf(fs, vols, due) {
				if !s.taken.has(a.key(), due) {
					errs = append(errs, s.takeAutoBackup(ctx, a, due))
				}
			}
		}
		if expiring == nil {
			expiring = map[string]int64{}
		}
		expiring[fs.ID] = sc.days
	}
	if expiring != nil {
		errs = append(errs, s.expireAutoBackups(ctx, expiring))
	}
	return errors.Join(errs...)
}

// svmRoot reports whether v is an SVM's root volume.
func svmRoot(v *fsxd.Volume) bool {
	w, err := unwire[Volume](v.Wire)
	return err == nil && w.OntapConfiguration != nil && val(w.OntapConfiguration.StorageVirtualMachineRoot)
}

// takeAutoBackup records the AUTOMATIC backup of a due at due, unless a
// node did already.
func (s *Service) takeAutoBackup(ctx context.Context, a autoTarget, due time.Time) error {
	req := &struct{ FileSystemId, VolumeId, Due string }{a.fsID, a.volID, due.Format(time.RFC3339)}
	token := a.key() + "@" + req.Due
	_, err := once(ctx, s, opAutomaticBackup, &token, req, func(tx *store.Tx) (*struct{ BackupId string }, string, error) {
		rec, err := s.newBackup(tx, a.fsID, a.volID, nil, true)
		if err != nil {
			return nil, "", err
		}
		rec.Type = "AUTOMATIC"
		return &struct{ BackupId string }{rec.ID}, rec.ID, backups(tx).Put(rec.ID, rec)
	})
	var refused *awserr.Error
	switch {
	case errors.As(err, &refused):
		// A backup in progress, or the volume or file system is no
		// longer CREATED or AVAILABLE: a later pass tries again.
		return nil
	case err != nil:
		return err
	}
	s.taken.m.Store(a.key(), due)
	return nil
}

// expireAutoBackups deletes (as DeleteBackup does) the AVAILABLE
// AUTOMATIC backups of the file systems in days older than their
// retention. Those of file systems that are gone are kept: nothing says
// how long any more. One a copy still reads (backupInUse) waits for a
// later pass: deleting it would pull the tree from under the copy.
func (s *Service) expireAutoBackups(ctx context.Context, days map[string]int64) error {
	now := s.now()
	expired := func(b *fsxd.Backup) bool {
		d, ok := days[b.FileSystemID]
		return ok && b.Type == "AUTOMATIC" && b.Lifecycle == fsxd.Available &&
			!b.CreationTime.After(now.Add(-time.Duration(d)*24*time.Hour))
	}
	var old []*fsxd.Backup
	err := s.view(ctx, func(tx *store.Tx) error {
		var err error
		old, _, err = backups(tx).List("", 0, expired)
		return err
	})
	if err != nil || len(old) == 0 {
		return err
	}
	return s.update(ctx, func(tx *store.Tx) error {
		for _, b := range old {
			switch err := backupInUse(tx, b.ID); {
			case awserr.Is(err, awserr.BackupBeingCopied), awserr.Is(err, awserr.BackupRestoring):
				continue
			case err != nil:
				return err
			}
			err := swap(backups(tx), b.ID, func(r *fsxd.Backup) *string { return &r.Lifecycle }, fsxd.Available, backupDeleted)
			if err != nil {
				return err
			}
		}
		return nil
	})
}
