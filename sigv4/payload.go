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
	"slices"
	"strconv"
)

// MaxHashedBody bounds the body Verify reads to hash for services that do
// not send x-amz-content-sha256 (FSx, IAM, STS: JSON and Query APIs, whose
// requests are a few KiB; the largest, an IAM policy, stays well below).
// The body must be read before the signature can be checked, so this is
// also what an unauthenticated client can make the server hold.
const MaxHashedBody = 1 << 20

// MaxChunk is the largest signed aws-chunked chunk accepted.
const MaxChunk = 16 << 20

const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// HashesBody reports whether Verify will have to read r's body to hash it
// before it can check the signature: a request signed for a service other
// than S3 that does not send x-amz-content-sha256. A server can then read
// the body first (BufferBody), under limits of its own.
func HashesBody(r *http.Request) bool {
	if r.ContentLength == 0 || r.Header.Get("X-Amz-Content-Sha256") != "" {
		return false
	}
	_, _, svc, ok := ParseScope(r)
	if !ok || isS3(svc) {
		return false
	}
	return r.Header.Get("Authorization") != "" || r.URL.Query().Get("X-Amz-Content-Sha256") == ""
}

// hashBody hashes the body that BufferBody read, reading it now if nobody
// did.
func hashBody(r *http.Request) (string, error) {
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return emptySHA256, nil
	}
	if _, ok := r.Body.(*bufferedBody); !ok {
		if err := BufferBody(r, MaxHashedBody, nil); err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(r.Body.(*bufferedBody).sum[:]), nil
}

// BufferBody reads r's whole body, at most limit bytes, into memory,
// hashing it as it arrives, and puts it back so that Verify hashes it
// without reading again. The buffer grows with what arrives, never with
// the declared length; grow, if not nil, is asked before it grows to n
// bytes and may refuse with an error, which BufferBody returns. A body
// over limit (declared or sent) is ErrMalformed.
func BufferBody(r *http.Request, limit int64, grow func(n int) error) error {
	if r.ContentLength > limit {
		return newErr(ErrMalformed, "request body too large to verify")
	}
	if r.Body == nil {
		r.Body = http.NoBody
	}
	h := sha256.New()
	buf := make([]byte, 0, 512)
	for {
		if len(buf) == cap(buf) {
			n := int(min(2*int64(cap(buf)), limit+1)) // one byte over: room to see an overlong body
			if grow != nil {
				if err := grow(n); err != nil {
					return err
				}
			}
			buf = slices.Grow(buf, n-len(buf))
		}
		m, err := r.Body.Read(buf[len(buf):cap(buf)])
		h.Write(buf[len(buf) : len(buf)+m])
		buf = buf[:len(buf)+m]
		if int64(len(buf)) > limit {
			return newErr(ErrMalformed, "request body too large to verify")
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return bodyErr(err)
		}
	}
	b := &bufferedBody{Reader: bytes.NewReader(buf), Closer: r.Body}
	h.Sum(b.sum[:0])
	r.Body, r.ContentLength = b, int64(len(buf))
	return nil
}

// bufferedBody is a body BufferBody read, with its SHA-256.
type bufferedBody struct {
	*bytes.Reader
	io.Closer
	sum [32]byte
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
	src      io.ReadCloser
	h        hash.Hash
	want     [32]byte
	err      error
	read     bool // a byte has been handed out
	deferred bool // DeferPayloadHash: the reader hashes and checks
}

func (h *hashReader) Read(p []byte) (int, error) {
	if h.err != nil {
		return 0, h.err
	}
	n, err := h.src.Read(p)
	h.read = h.read || n > 0
	if !h.deferred {
		h.h.Write(p[:n])
	}
	if err != nil && err != io.EOF {
		err = bodyErr(err)
	} else if err == io.EOF && !h.deferred {
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

// DeferPayloadHash hands the x-amz-content-sha256 check of body to its
// reader, who can then hash the payload beside hashes of its own (on
// another core: see checksum.Options.ContentSHA256) instead of body
// hashing it serially inside Read. It applies only to a body whose
// payload hash is a hex digest and from which nothing has been read yet;
// ok is false otherwise, and body goes on checking itself. When ok, the
// caller must pass check the hex SHA-256 of every byte read once Read has
// returned io.EOF, and treat a non-nil result as the body's error (it is
// ErrContentSHA256Mismatch): until then nothing read may be committed.
func DeferPayloadHash(body io.Reader) (check func(hexSum string) error, ok bool) {
	h, ok := body.(*hashReader)
	if !ok || h.read || h.deferred || h.err != nil {
		return nil, false
	}
	h.deferred = true
	return h.check, true
}

func (h *hashReader) check(hexSum string) error {
	var got [32]byte
	if len(hexSum) != 2*len(got) {
		return newErr(ErrContentSHA256Mismatch, "the provided x-amz-content-sha256 does not match what was computed")
	}
	if _, err := hex.Decode(got[:], []byte(hexSum)); err != nil || !hmac.Equal(got[:], h.want[:]) {
		return newErr(ErrContentSHA256Mismatch, "the provided x-amz-content-sha256 does not match what was computed")
	}
	return nil
}
