package s3api

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"strconv"

	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/checksum"
	"github.com/fsxd/fsxd/sigv4"
)

// upload is a request body on its way into a file: counted against the
// size limit, hashed in the same pass (MD5 for the ETag and Content-MD5,
// plus the client's checksum), and verified when it ends. Nothing read
// may be committed before copy returns: the SigV4 payload check happens
// at EOF.
type upload struct {
	want     wantChecksum
	also     checksum.Algorithm // computed too: a multipart upload's algorithm
	md5      []byte             // Content-MD5, nil when not sent
	xml      bool               // an XML request body, not object data
	declared int64              // the body's length, -1 when unknown
	limit    int64
}

// newUpload checks an upload's headers before any byte is read.
func (rq *request) newUpload(limit int64) (*upload, error) {
	r := rq.r
	u := &upload{declared: r.ContentLength, limit: limit}
	if r.ContentLength < 0 && len(r.TransferEncoding) == 0 && r.Header.Get("X-Amz-Decoded-Content-Length") == "" {
		return nil, awserr.MissingContentLength.Err("")
	}
	// HTTP/1.x with neither header: net/http reads it as an empty body
	// (length 0), S3 as a length not given.
	if r.ContentLength == 0 && r.ProtoMajor == 1 && len(r.TransferEncoding) == 0 && len(r.Header["Content-Length"]) == 0 {
		return nil, awserr.MissingContentLength.Err("")
	}
	if u.declared > limit {
		return nil, entityTooLarge(limit).With("ProposedSize", strconv.FormatInt(u.declared, 10))
	}
	if v, ok := r.Header["Content-Md5"]; ok {
		b, err := base64.StdEncoding.DecodeString(v[0])
		if err != nil || len(b) != 16 {
			return nil, awserr.InvalidDigest.Err("")
		}
		u.md5 = b
	}
	var err error
	u.want, err = requestChecksum(r.Header)
	return u, err
}

func entityTooLarge(limit int64) *awserr.Error {
	return awserr.EntityTooLarge.Err("").With("MaxSizeAllowed", strconv.FormatInt(limit, 10))
}

// verifier reads an upload's body: it counts, hashes in the same pass,
// and at the body's end checks the length, Content-MD5 and the checksum,
// returning the failure in place of io.EOF, so that whoever copies from it
// (a volume Writer, multipart.PutPart) never commits a bad body. Its
// first error sticks, which tells a body's failure from a destination's.
type verifier struct {
	u    *upload
	body io.Reader
	h    *checksum.Hasher
	n    int64
	err  error
	sums checksum.Sums // set at a verified EOF
	// payload checks x-amz-content-sha256 against the SHA-256 the Hasher
	// computed (beside MD5, on another core for a large body); nil when
	// the body checks its own payload hash or has none.
	payload func(hexSum string) error
}

func (u *upload) reader(body io.Reader) *verifier {
	algs := u.want.algorithms()
	if u.also != "" && u.also != u.want.alg {
		algs = append(algs, u.also)
	}
	o := checksum.Options{Algorithms: algs, Size: u.declared}
	check, deferred := sigv4.DeferPayloadHash(body)
	o.ContentSHA256 = deferred
	return &verifier{u: u, body: body, h: checksum.NewHasher(o), payload: check}
}

func (v *verifier) Read(p []byte) (int, error) {
	if v.err != nil {
		return 0, v.err
	}
	n, err := v.body.Read(p)
	if n > 0 {
		if v.n += int64(n); v.n > v.u.limit {
			v.err = entityTooLarge(v.u.limit)
			return 0, v.err
		}
		v.h.Write(p[:n])
	}
	switch {
	case errors.Is(err, io.EOF):
		if err = v.finish(); err == nil {
			err = io.EOF
		}
	case err != nil:
		err = bodyErr(err)
	}
	v.err = err
	return n, err
}

func (v *verifier) finish() error {
	v.sums = v.h.Sum()
	if v.payload != nil { // first, as when the body checked it at its EOF
		if err := v.payload(v.sums.ContentSHA256); err != nil {
			return bodyErr(err)
		}
	}
	u := v.u
	if u.declared >= 0 && v.sums.Size != u.declared {
		return awserr.IncompleteBody.Err("")
	}
	if u.md5 != nil && !bytes.Equal(u.md5, v.sums.MD5) {
		return u.badDigest(v.sums.MD5)
	}
	return u.want.verify(v.body, v.sums)
}

// badDigest names both MD5s as S3 does: the calculated one in base64, the
// Content-MD5 sent in hex for object data but in base64 for an XML body
// (docs/decisions.md, "BadDigest's digests").
func (u *upload) badDigest(got []byte) *awserr.Error {
	b64 := base64.StdEncoding.EncodeToString
	want := hex.EncodeToString(u.md5)
	if u.xml {
		want = b64(u.md5)
	}
	return awserr.BadDigest.Err("").With("CalculatedDigest", b64(got)).With("ExpectedDigest", want)
}

// close releases the Hasher's resources; the sums stay readable.
func (v *verifier) close() { v.h.Close() }

// bodyFailed returns the body's own error, if the body is what failed.
func (v *verifier) bodyFailed() error {
	if v.err == io.EOF {
		return nil
	}
	return v.err
}

// copyTo streams the whole body into w with a pooled buffer. A failure of
// w is returned as it is; the body's as an S3 error. The buffer is filled
// before each write: a volume Writer switches to the identity per write,
// and a network read may return a few KiB.
func (v *verifier) copyTo(w io.Writer) error {
	buf := getBuf()
	defer putBuf(buf)
	var err error
	for err == nil {
		var n int
		n, err = io.ReadFull(v, *buf)
		if n > 0 {
			if _, werr := w.Write((*buf)[:n]); werr != nil {
				err = werr
				break
			}
		}
	}
	// The verifier's own failures (a short body among them) are its
	// sticky error: io.ReadFull's ErrUnexpectedEOF is only a short read.
	if berr := v.bodyFailed(); berr != nil {
		return berr
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return nil
	}
	return err
}

// drainEmpty reads a body that must be empty (a directory object's),
// to its end so that its payload check runs.
func drainEmpty(body io.Reader) (bool, error) {
	var one [1]byte
	for {
		n, err := body.Read(one[:])
		if n > 0 {
			return false, nil
		}
		if errors.Is(err, io.EOF) {
			return true, nil
		}
		if err != nil {
			return false, bodyErr(err)
		}
	}
}
