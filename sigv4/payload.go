package sigv4

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"net/http"
	"strconv"
)

// MaxHashedBody bounds the body Verify reads to hash for services that do
// not send x-amz-content-sha256 (FSx, IAM, STS: JSON and Query APIs, whose
// requests are small). It is also the largest signed chunk accepted.
const MaxHashedBody = 16 << 20

const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// hashBody reads the whole body, bounded, hashes it and puts it back.
func hashBody(r *http.Request) (string, error) {
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return emptySHA256, nil
	}
	if r.ContentLength > MaxHashedBody {
		return "", newErr(ErrMalformed, "request body too large to verify")
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, MaxHashedBody+1))
	if err != nil {
		return "", bodyErr(err)
	}
	if len(b) > MaxHashedBody {
		return "", newErr(ErrMalformed, "request body too large to verify")
	}
	r.Body = readCloser{bytes.NewReader(b), r.Body}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// bodyErr turns a truncated body into ErrIncompleteBody and passes any other
// read error (a closed connection, http.MaxBytesError) through unchanged.
func bodyErr(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return newErr(ErrIncompleteBody, "the body ended before its declared length")
	}
	return err
}

type readCloser struct {
	io.Reader
	io.Closer
}

// wrapBody puts a verifying reader in front of r.Body according to the
// payload hash that was signed, and returns the decoded body length.
func wrapBody(r *http.Request, s *signed, payload string, key []byte, hashed bool) (int64, error) {
	if r.Body == nil {
		r.Body = http.NoBody
	}
	switch payload {
	case UnsignedPayload:
		return r.ContentLength, nil
	case StreamingSigned, StreamingSignedTrailer, StreamingUnsignedTrailer:
		want := int64(-1)
		if v := r.Header.Get("X-Amz-Decoded-Content-Length"); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return 0, newErr(ErrMalformed, "x-amz-decoded-content-length is not a length")
			}
			want = n
		}
		var sig *chunkSigner
		if payload != StreamingUnsignedTrailer {
			sig = newChunkSigner(key, s.AmzDate, s.Credential.scope(), s.Signature)
		}
		r.Body = newChunkedReader(r.Body, sig, payload != StreamingSigned, want)
		r.ContentLength = want
		return want, nil
	}
	if hashed {
		return r.ContentLength, nil // hashBody computed the hash from these bytes
	}
	want, _ := decodeHex32(payload)
	if r.ContentLength == 0 {
		// Checked now: a handler that never reads an empty body would
		// otherwise never see the mismatch.
		if want != sha256.Sum256(nil) {
			return 0, newErr(ErrContentSHA256Mismatch, "the provided x-amz-content-sha256 does not match the empty body")
		}
		return 0, nil
	}
	r.Body = &hashReader{src: r.Body, h: sha256.New(), want: want}
	return r.ContentLength, nil
}

// hashReader checks the body against x-amz-content-sha256 when it reaches
// EOF: the bytes before are already handed out, so callers must not commit
// anything they read until Read returns io.EOF.
type hashReader struct {
	src  io.ReadCloser
	h    hash.Hash
	want [32]byte
	err  error
}

func (h *hashReader) Read(p []byte) (int, error) {
	if h.err != nil {
		return 0, h.err
	}
	n, err := h.src.Read(p)
	h.h.Write(p[:n])
	if err != nil && err != io.EOF {
		err = bodyErr(err)
	} else if err == io.EOF {
		var got [32]byte
		if !hmac.Equal(h.h.Sum(got[:0]), h.want[:]) {
			err = newErr(ErrContentSHA256Mismatch, "the provided x-amz-content-sha256 does not match what was computed")
		}
	}
	if err != nil {
		h.err = err
	}
	return n, err
}

func (h *hashReader) Close() error { return h.src.Close() }
