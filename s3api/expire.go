package s3api

import (
	"context"
	"errors"

	"github.com/fsxd/fsxd/multipart"
)

// UploadStores is implemented by a Resolver that can name the multipart
// staging store of every volume, so that Expire can sweep them. It is an
// extra of Resolver, found by type assertion.
type UploadStores interface {
	UploadStores(ctx context.Context) ([]*multipart.Store, error)
}

// Expire removes multipart uploads initiated more than UploadMaxAge ago,
// S3's AbortIncompleteMultipartUpload; the server calls it periodically.
// It does nothing when the Resolver cannot list stores.
func (h *Handler) Expire(ctx context.Context) error {
	us, ok := h.cfg.Resolver.(UploadStores)
	if !ok {
		return nil
	}
	stores, err := us.UploadStores(ctx)
	if err != nil {
		return err
	}
	cutoff := h.cfg.Now().Add(-h.cfg.UploadMaxAge)
	var errs []error
	for _, s := range stores {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := s.Expire(cutoff)
		if n > 0 {
			h.cfg.Logger.Info("s3: expired multipart uploads", "count", n)
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
