package fsxapi

import (
	"context"
	"errors"
	"time"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/store"
)

// fsxdCreated is what the reconciler needs of any record.
type fsxdCreated interface {
	lifecycle() string
	created() time.Time
}

type (
	fsRec  struct{ *fsxd.FileSystem }
	svmRec struct{ *fsxd.SVM }
	volRec struct{ *fsxd.Volume }
)

func (r fsRec) lifecycle() string   { return r.Lifecycle }
func (r fsRec) created() time.Time  { return r.CreationTime }
func (r svmRec) lifecycle() string  { return r.Lifecycle }
func (r svmRec) created() time.Time { return r.CreationTime }
func (r volRec) lifecycle() string  { return r.Lifecycle }
func (r volRec) created() time.Time { return r.CreationTime }

// setLifecycle moves one record from one state to the next in its own
// transaction, re-reading it: if someone else moved it meanwhile (another
// node, a delete), nothing happens.
func (s *Service) setLifecycle(ctx context.Context, kind, id, from, to string) error {
	return s.update(ctx, func(tx *store.Tx) error {
		switch kind {
		case fsxd.KindFileSystem:
			return swap(fileSystems(tx), id, func(r *fsxd.FileSystem) *string { return &r.Lifecycle }, from, to)
		case fsxd.KindSVM:
			return swap(svms(tx), id, func(r *fsxd.SVM) *string { return &r.Lifecycle }, from, to)
		default:
			return swap(volumes(tx), id, func(r *fsxd.Volume) *string { return &r.Lifecycle }, from, to)
		}
	})
}

// still reports whether a record is, read afresh, in lifecycle. A pass
// acts on a list read at its start, which another node may have moved on
// since (finished and even deleted the resource): a directory must not be
// made or removed on the strength of that stale read.
func (s *Service) still(ctx context.Context, kind, id, lifecycle string) (bool, error) {
	var cur string
	err := s.view(ctx, func(tx *store.Tx) error {
		var err error
		switch kind {
		case fsxd.KindFileSystem:
			cur, err = lifecycleOf(fileSystems(tx), id, func(r *fsxd.FileSystem) string { return r.Lifecycle })
		case fsxd.KindSVM:
			cur, err = lifecycleOf(svms(tx), id, func(r *fsxd.SVM) string { return r.Lifecycle })
		default:
			cur, err = lifecycleOf(volumes(tx), id, func(r *fsxd.Volume) string { return r.Lifecycle })
		}
		return err
	})
	return cur == lifecycle, err
}

// lifecycleOf is id's lifecycle, "" when there is no such record.
func lifecycleOf[T any](t store.Table[T], id string, lc func(*T) string) (string, error) {
	r, err := t.Get(id)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return lc(r), nil
}

func swap[T any](t store.Table[T], id string, lc func(*T) *string, from, to string) error {
	r, err := t.Get(id)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil || *lc(r) != from {
		return err
	}
	*lc(r) = to
	return t.Put(id, r)
}

// drop deletes a DELETING record, re-read inside the caller's
// transaction, once busy (if any) says nothing depends on it any more. It
// reports whether it deleted the record.
func drop[T any](t store.Table[T], id string, lc func(*T) string, busy func() (bool, error)) (bool, error) {
	r, err := t.Get(id)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil || lc(r) != fsxd.Deleting {
		return false, err
	}
	if busy != nil {
		if b, err := busy(); err != nil || b {
			return false, err
		}
	}
	return true, t.Delete(id)
}
