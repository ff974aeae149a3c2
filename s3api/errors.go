package s3api

import (
	"context"
	"errors"
	"io"
	"net/http"
	"syscall"

	"github.com/fsxd/fsxd/auth"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/volume"
)

// Whether a volume error came from reading or writing decides how a key
// that is a directory, or a key below a file, is reported.
type access int

const (
	reading access = iota
	writing
)

// volumeErr maps a volume error to S3's vocabulary. The rules, documented
// in README's data plane section:
//
//   - ErrNotExist, ErrNotRegular (FIFO, socket, device): NoSuchKey; the key
//     names nothing S3 can serve.
//   - ErrIsDir, ErrNotDir on reads: NoSuchKey (the key "a" of a directory
//     "a/" is not an object; nor is "a/b" below a file "a").
//   - ErrIsDir, ErrNotDir, ErrNotEmpty, ErrLinkedDir on writes: InvalidRequest with the
//     reason (a file system cannot hold both a file "a" and a key "a/b";
//     S3 has no code for it and 400 tells the client not to retry).
//   - ErrPermission, ErrReadOnly, ErrEscape: AccessDenied, as AWS reports
//     a file-system refusal (docs/decisions.md, "Data-plane authorization and file-system refusals").
//   - ErrNoSpace: 507 InsufficientStorage, which SDKs do not retry.
//   - ErrMetaTooLarge: MetadataTooLarge (a Meta xattr's ENOSPC with blocks
//     free is this too: volume.xattrErr).
//   - a KeyError: InvalidArgument naming the reason.
func volumeErr(err error, key string, how access) error {
	var ke *volume.KeyError
	var ae *awserr.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ae):
		return err
	case errors.As(err, &ke):
		return invalidKey(ke.Reason).Wrap(err)
	case errors.Is(err, volume.ErrPermission), errors.Is(err, volume.ErrEscape):
		return awserr.AccessDenied.Err("").Wrap(err)
	case errors.Is(err, volume.ErrReadOnly):
		return awserr.AccessDenied.Err("The volume is read-only.").Wrap(err)
	case errors.Is(err, volume.ErrNoSpace):
		return awserr.InsufficientStorage.Err("The volume has no space left, or a quota is exceeded.").Wrap(err)
	case errors.Is(err, volume.ErrMetaTooLarge):
		return awserr.MetadataTooLarge.Err("").Wrap(err)
	case errors.Is(err, volume.ErrNotExist), errors.Is(err, volume.ErrNotRegular):
		return noSuchKey(key).Wrap(err)
	case how == reading && (errors.Is(err, volume.ErrIsDir) || errors.Is(err, volume.ErrNotDir)):
		return noSuchKey(key).Wrap(err)
	case errors.Is(err, volume.ErrIsDir):
		return awserr.InvalidRequestS3.Err("The key names a directory; a directory is written as a key ending in '/' with an empty body.").Wrap(err)
	case errors.Is(err, volume.ErrNotDir):
		return awserr.InvalidRequestS3.Err("A prefix of the key names a file, so the key cannot be a file below it.").Wrap(err)
	case errors.Is(err, volume.ErrLinkedDir):
		return awserr.InvalidRequestS3.Err("The key names a symbolic link to a directory; the link is removed by its key without the trailing '/'.").Wrap(err)
	case errors.Is(err, volume.ErrNotEmpty):
		return awserr.InvalidRequestS3.Err("The key names a directory that is not empty.").Wrap(err)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return awserr.RequestTimeout.Err("").Wrap(err)
	}
	return errnoErr(err)
}

// errnoErr maps the errors of I/O on an open file (a Writer's Write,
// Append), which reach us as bare errnos rather than volume kinds.
func errnoErr(err error) error {
	switch {
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return awserr.InsufficientStorage.Err("The volume has no space left, or a quota is exceeded.").Wrap(err)
	case errors.Is(err, syscall.EROFS):
		return awserr.AccessDenied.Err("The volume is read-only.").Wrap(err)
	case errors.Is(err, syscall.EFBIG):
		return awserr.EntityTooLarge.Err("").Wrap(err)
	}
	return awserr.InternalError.Err("").Wrap(err)
}

func noSuchKey(key string) *awserr.Error {
	return awserr.NoSuchKey.Err("").With("Key", key)
}

func invalidKey(reason string) *awserr.Error {
	return awserr.InvalidArgument.Err("The key cannot name a file: %s.", reason).With("ArgumentName", "key")
}

// bodyErr maps a failure to read the request body: a SigV4 payload check
// (signature, hash, length) as auth names it, a body cut short as
// IncompleteBody, anything else as a timeout on the client's side.
func bodyErr(err error) error {
	if e := auth.BodyError(err); e != nil {
		return e
	}
	var ae *awserr.Error
	var mb *http.MaxBytesError
	switch {
	case errors.As(err, &ae):
		return err
	case errors.Is(err, io.ErrUnexpectedEOF):
		return awserr.IncompleteBody.Err("").Wrap(err)
	case errors.As(err, &mb):
		return awserr.EntityTooLarge.Err("").Wrap(err)
	}
	return awserr.RequestTimeout.Err("").Wrap(err)
}

func invalidArgument(name, value, format string, args ...any) *awserr.Error {
	return awserr.InvalidArgument.Err(format, args...).With("ArgumentName", name).With("ArgumentValue", value)
}
