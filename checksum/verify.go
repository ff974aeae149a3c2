package checksum

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"errors"
	"io"
)

// The two ways a client's checksum can fail; S3 answers them differently.
var (
	// ErrInvalid: the value cannot be a digest of this algorithm (bad
	// base64 or wrong length). S3: 400 InvalidRequest, "Value for
	// x-amz-checksum-crc32 header is invalid."
	ErrInvalid = errors.New("invalid checksum value")
	// ErrMismatch: a well-formed value that differs from the data's.
	// S3: 400 BadDigest.
	ErrMismatch = errors.New("checksum mismatch")
	// ErrNotComputed: the Hasher was not asked for this algorithm, a bug in
	// the caller rather than the client's fault.
	ErrNotComputed = errors.New("checksum not computed")
)

// Error names the algorithm that failed; errors.Is tells which way.
type Error struct {
	Algorithm Algorithm
	Err       error // ErrInvalid, ErrMismatch or ErrNotComputed
}

func (e *Error) Error() string { return "checksum " + string(e.Algorithm) + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Verify checks each expected base64 value against the computed sums. It
// reports the first failure in Algorithms order, so the answer does not
// depend on map iteration.
func Verify(expected map[Algorithm]string, got Sums) error {
	for _, alg := range Algorithms {
		want, ok := expected[alg]
		if !ok {
			continue
		}
		if err := verifyOne(alg, want, got); err != nil {
			return &Error{Algorithm: alg, Err: err}
		}
	}
	for alg := range expected {
		if alg.Size() == 0 {
			return &Error{Algorithm: alg, Err: ErrNotComputed}
		}
	}
	return nil
}

func verifyOne(alg Algorithm, want string, got Sums) error {
	b, err := base64.StdEncoding.Strict().DecodeString(want)
	if err != nil || len(b) != alg.Size() {
		return ErrInvalid
	}
	have, ok := got.Checksums[alg]
	if !ok {
		return ErrNotComputed
	}
	if have != want {
		return ErrMismatch
	}
	return nil
}

// ContentMD5 names the Content-MD5 header in errors from VerifyContentMD5
// (S3: InvalidDigest when invalid, BadDigest on mismatch). It is not an
// x-amz-checksum algorithm and ParseAlgorithm rejects it.
const ContentMD5 Algorithm = "Content-MD5"

// VerifyContentMD5 checks a Content-MD5 header value (base64).
func VerifyContentMD5(b64 string, got Sums) error {
	b, err := base64.StdEncoding.Strict().DecodeString(b64)
	if err != nil || len(b) != md5.Size {
		return &Error{Algorithm: ContentMD5, Err: ErrInvalid}
	}
	if !bytes.Equal(b, got.MD5) {
		return &Error{Algorithm: ContentMD5, Err: ErrMismatch}
	}
	return nil
}

// VerifyReader is Reader that, when r is exhausted, runs check on the
// sums and returns its error in place of io.EOF. A consumer that stores
// data only after a clean EOF (PutObject, multipart.PutPart) then never
// stores a body whose checksum is wrong. check runs at EOF, so it can read
// values that arrive in a trailer after the body.
func VerifyReader(r io.Reader, h *Hasher, check func(Sums) error) io.Reader {
	return &verifyReader{r: Reader(r, h), h: h, check: check}
}

type verifyReader struct {
	r     io.Reader
	h     *Hasher
	check func(Sums) error
	err   error // sticky result once r hit EOF
}

func (v *verifyReader) Read(p []byte) (int, error) {
	if v.err != nil {
		return 0, v.err
	}
	n, err := v.r.Read(p)
	if err == io.EOF {
		v.err = io.EOF
		if cerr := v.check(v.h.Sum()); cerr != nil {
			v.err = cerr
		}
		err = v.err
	}
	return n, err
}
