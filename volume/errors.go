package volume

import (
	"errors"
	"io/fs"

	"golang.org/x/sys/unix"
)

// The errors every operation reports, wrapped in a *PathError that keeps
// the errno as its cause. Test with errors.Is. ErrNotExist and
// ErrPermission are the io/fs sentinels so callers that already handle
// fs.ErrNotExist keep working.
var (
	ErrNotExist     = fs.ErrNotExist
	ErrPermission   = fs.ErrPermission
	ErrNotRegular   = errors.New("not a regular file")        // FIFO, socket, device, or a symlink leading to one
	ErrIsDir        = errors.New("is a directory")            // an object key names a directory
	ErrNotDir       = errors.New("not a directory")           // a directory key (or a key's parent) names a file
	ErrNotEmpty     = errors.New("directory not empty")       // Remove of a directory key with entries
	ErrNoSpace      = errors.New("no space left")             // ENOSPC or EDQUOT
	ErrReadOnly     = errors.New("read-only file system")     // EROFS
	ErrStopWalk     = errors.New("stop walk")                 // returned by a Walk callback to end the walk cleanly
	ErrEscape       = errors.New("path escapes the volume")   // a symlink tried to leave the volume root
	ErrMetaTooLarge = errors.New("object metadata too large") // the encoded Meta does not fit in an xattr
	// ErrLinkedDir: Remove of a directory key whose last name is a
	// symlink to a directory of the volume. Keys resolve through it, but
	// removing it as a directory would remove nothing; the link itself
	// goes by its key without the "/".
	ErrLinkedDir = errors.New("a symbolic link to a directory")
)

// KeyError is why ParseKey rejected a key.
type KeyError struct {
	Reason string
}

func (e *KeyError) Error() string { return "volume: invalid key: " + e.Reason }

// PathError records a failed operation on a key. Kind is one of the Err*
// values above (nil when the errno has no mapping); Err is the cause.
type PathError struct {
	Op   string
	Key  string
	Kind error
	Err  error
}

func (e *PathError) Error() string {
	msg := "volume: " + e.Op + " " + e.Key + ": "
	if e.Kind != nil && e.Kind.Error() != e.Err.Error() {
		msg += e.Kind.Error() + ": "
	}
	return msg + e.Err.Error()
}

// Is lets errors.Is match the kind while Unwrap exposes the errno.
func (e *PathError) Is(target error) bool { return e.Kind != nil && e.Kind == target }

func (e *PathError) Unwrap() error { return e.Err }

// wrap turns a syscall error into a *PathError. Errors that already carry a
// kind (a veto from a Commit condition, a KeyError, ctx errors) pass
// through untouched so callers see them as they were returned.
func wrap(op, key string, err error) error {
	if err == nil {
		return nil
	}
	var pe *PathError
	if errors.As(err, &pe) {
		return err
	}
	var errno unix.Errno
	if !errors.As(err, &errno) {
		if k := kindOf(err); k != nil {
			return &PathError{Op: op, Key: key, Kind: k, Err: err}
		}
		return err
	}
	return &PathError{Op: op, Key: key, Kind: errnoKind(errno), Err: err}
}

// kindOf recognises our own sentinels returned bare by internal helpers.
func kindOf(err error) error {
	if err == ErrMountPoint {
		return ErrPermission
	}
	for _, k := range []error{ErrNotExist, ErrPermission, ErrNotRegular, ErrIsDir,
		ErrNotDir, ErrNotEmpty, ErrNoSpace, ErrReadOnly, ErrEscape, ErrMetaTooLarge, ErrLinkedDir} {
		if err == k {
			return k
		}
	}
	return nil
}

func errnoKind(e unix.Errno) error {
	switch e {
	case unix.ENOENT, unix.ELOOP:
		// ELOOP: a symlink cycle, or a final symlink where none may be;
		// either way the key names nothing we will serve.
		return ErrNotExist
	case unix.EACCES, unix.EPERM:
		return ErrPermission
	case unix.ENOTDIR:
		return ErrNotDir
	case unix.EISDIR:
		return ErrIsDir
	case unix.ENOTEMPTY, unix.EEXIST:
		return ErrNotEmpty
	case unix.ENOSPC, unix.EDQUOT:
		return ErrNoSpace
	case unix.EROFS:
		return ErrReadOnly
	case unix.EXDEV:
		// Only openat2's RESOLVE_BENEATH reports EXDEV on our paths: we never
		// rename across directories of different mounts.
		return ErrEscape
	case unix.E2BIG, unix.ERANGE:
		return ErrMetaTooLarge
	}
	return nil
}
