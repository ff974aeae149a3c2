package awserr

import (
	"errors"
	"fmt"
	"testing"
)

// The package comment promises errors.Is(err, awserr.NoSuchKey); this holds it to that.
func TestErrorsIs(t *testing.T) {
	wrapped := fmt.Errorf("get: %w", NoSuchKey.Err("").Wrap(errors.New("enoent")))
	for _, c := range []struct {
		err    error
		target error
		want   bool
	}{
		{NoSuchKey.Err(""), NoSuchKey, true},
		{NoSuchKey.Err("custom message"), NoSuchKey, true},
		{wrapped, NoSuchKey, true},
		{wrapped, NoSuchBucket, false},
		{NoSuchKey.Err(""), NoSuchUpload, false},
		{InvalidRequestS3.Err(""), InvalidRequest, true},          // same name, other table row
		{SigV2NotSupported.Err(""), InvalidRequestS3, true},       // same name and status
		{AccessDenied.Err(""), errors.New("AccessDenied"), false}, // not a Code
		{errors.New("NoSuchKey"), NoSuchKey, false},
	} {
		if got := errors.Is(c.err, c.target); got != c.want {
			t.Errorf("errors.Is(%v, %v) = %v, want %v", c.err, c.target, got, c.want)
		}
		if code, ok := c.target.(Code); ok && Is(c.err, code) != c.want {
			t.Errorf("Is(%v, %v) = %v, want %v (Is and errors.Is must agree)", c.err, code, !c.want, c.want)
		}
	}
}
