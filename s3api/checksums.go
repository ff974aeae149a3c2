package s3api

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/checksum"
	"github.com/fsxd/fsxd/sigv4"
)

// Checksum types, as S3 names them in x-amz-checksum-type.
const (
	fullObject = "FULL_OBJECT"
	composite  = "COMPOSITE"
)

// wantChecksum is the checksum a client sent with a body: in a header, or
// announced by x-amz-trailer and sent after the body.
type wantChecksum struct {
	alg     checksum.Algorithm // "" when the client sent none
	value   string             // base64; "" until the trailer is read
	trailer bool
}

// requestChecksum reads the checksum headers of an upload as S3 does:
// at most one x-amz-checksum-<alg>, or one named by x-amz-trailer, which
// x-amz-sdk-checksum-algorithm must agree with.
func requestChecksum(h http.Header) (wantChecksum, error) {
	var w wantChecksum
	for _, a := range checksum.Algorithms {
		if v := h.Get(a.Header()); v != "" {
			if w.alg != "" {
				return w, awserr.InvalidRequestS3.Err("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.")
			}
			w.alg, w.value = a, v
		}
	}
	if t := h.Get("X-Amz-Trailer"); t != "" {
		a, ok := trailerAlgorithm(t)
		if !ok || w.alg != "" {
			return w, awserr.InvalidRequestS3.Err("The value specified in the x-amz-trailer header is not supported")
		}
		w.alg, w.trailer = a, true
	}
	if v := h.Get("X-Amz-Sdk-Checksum-Algorithm"); v != "" {
		a, err := checksum.ParseAlgorithm(v)
		if err != nil {
			return w, invalidArgument("x-amz-sdk-checksum-algorithm", v, "Value for x-amz-sdk-checksum-algorithm header is invalid.")
		}
		if w.alg == "" {
			return w, awserr.InvalidRequestS3.Err("x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.")
		}
		if a != w.alg {
			return w, awserr.InvalidRequestS3.Err("Value for x-amz-sdk-checksum-algorithm header is invalid.")
		}
	}
	return w, nil
}

func trailerAlgorithm(t string) (checksum.Algorithm, bool) {
	t = strings.ToLower(strings.TrimSpace(t))
	for _, a := range checksum.Algorithms {
		if t == a.Header() {
			return a, true
		}
	}
	return "", false
}

// algorithms lists what the hasher must compute for w.
func (w wantChecksum) algorithms() []checksum.Algorithm {
	if w.alg == "" {
		return nil
	}
	return []checksum.Algorithm{w.alg}
}

// verify checks the computed sums against what the client sent, reading
// a trailing value from the body, which must be at EOF by now.
func (w *wantChecksum) verify(body io.Reader, sums checksum.Sums) error {
	if w.alg == "" {
		return nil
	}
	if w.trailer {
		w.value = sigv4.Trailers(body).Get(w.alg.Header())
		if w.value == "" {
			return awserr.InvalidRequestS3.Err("The x-amz-trailer header named %s but the body had no such trailer.", w.alg.Header())
		}
	}
	err := checksum.Verify(map[checksum.Algorithm]string{w.alg: w.value}, sums)
	return checksumErr(err)
}

// checksumErr names a failed checksum as S3 does.
func checksumErr(err error) error {
	var ce *checksum.Error
	switch {
	case err == nil:
		return nil
	case !errors.As(err, &ce):
		return err
	case errors.Is(err, checksum.ErrInvalid):
		return awserr.InvalidRequestS3.Err("Value for %s header is invalid.", ce.Algorithm.Header())
	case errors.Is(err, checksum.ErrMismatch):
		return awserr.BadDigest.Err("The %s you specified did not match the calculated checksum.", ce.Algorithm)
	}
	return awserr.InternalError.Err("").Wrap(err)
}

// storeChecksum records a verified full-object checksum in the object's
// metadata, in volume's convention ("CRC32" -> value, "CRC32-TYPE" -> type).
func storeChecksum(m map[string]string, alg checksum.Algorithm, value, typ string) map[string]string {
	if alg == "" || value == "" {
		return m
	}
	if m == nil {
		m = map[string]string{}
	}
	m[string(alg)] = value
	m[string(alg)+"-TYPE"] = typ
	return m
}

// storedChecksum returns the algorithm, value and type an object carries.
func storedChecksum(m map[string]string) (alg checksum.Algorithm, value, typ string) {
	for _, a := range checksum.Algorithms {
		if v := m[string(a)]; v != "" {
			typ := m[string(a)+"-TYPE"]
			if typ == "" {
				typ = fullObject
			}
			return a, v, typ
		}
	}
	return "", "", ""
}

// setChecksumHeaders reports a checksum on a response.
func setChecksumHeaders(h http.Header, alg checksum.Algorithm, value, typ string) {
	if alg == "" {
		return
	}
	h.Set(alg.Header(), value)
	h.Set("X-Amz-Checksum-Type", typ)
}

// xmlChecksums puts one checksum into its XML member.
func xmlChecksums(alg checksum.Algorithm, value string) checksumSet {
	var c checksumSet
	switch alg {
	case checksum.CRC32:
		c.ChecksumCRC32 = value
	case checksum.CRC32C:
		c.ChecksumCRC32C = value
	case checksum.CRC64NVME:
		c.ChecksumCRC64NVME = value
	case checksum.SHA1:
		c.ChecksumSHA1 = value
	case checksum.SHA256:
		c.ChecksumSHA256 = value
	}
	return c
}

// get returns the value of alg in c.
func (c checksumSet) get(alg checksum.Algorithm) string {
	switch alg {
	case checksum.CRC32:
		return c.ChecksumCRC32
	case checksum.CRC32C:
		return c.ChecksumCRC32C
	case checksum.CRC64NVME:
		return c.ChecksumCRC64NVME
	case checksum.SHA1:
		return c.ChecksumSHA1
	case checksum.SHA256:
		return c.ChecksumSHA256
	}
	return ""
}
