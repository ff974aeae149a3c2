package sigv4

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const (
	testAKID   = "AKIDTESTTESTTEST"
	testSecret = "s3cr3t/With+Slashes="
	testRegion = "us-east-1"
)

var (
	signTime = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	testCred = aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
)

// keysOf is a Keys func over a fixed table.
func keysOf(pairs ...string) Keys {
	m := map[string]string{}
	for i := 0; i+1 < len(pairs); i += 2 {
		m[pairs[i]] = pairs[i+1]
	}
	return func(_ context.Context, akid string) (string, error) {
		if s, ok := m[akid]; ok {
			return s, nil
		}
		return "", ErrUnknownKey
	}
}

var testKeys = keysOf(testAKID, testSecret)

func hexSHA256(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// sdkSign signs req as the SDK's clients do for service: S3 sends
// x-amz-content-sha256 and signs the path unescaped-again; the JSON and
// Query services only sign the body's hash.
func sdkSign(t testing.TB, req *http.Request, body []byte, service string, at time.Time) {
	t.Helper()
	hash := hexSHA256(body)
	if isS3(service) {
		if h := req.Header.Get("X-Amz-Content-Sha256"); h != "" {
			hash = h
		} else {
			req.Header.Set("X-Amz-Content-Sha256", hash)
		}
	}
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = isS3(service) })
	if err := signer.SignHTTP(context.Background(), testCred, req, hash, service, testRegion, at); err != nil {
		t.Fatal(err)
	}
}

// sdkPresign presigns req for expires and returns the request a client of
// the URL would send.
func sdkPresign(t testing.TB, req *http.Request, service string, at time.Time, expires time.Duration) *http.Request {
	t.Helper()
	q := req.URL.Query()
	q.Set("X-Amz-Expires", strconv.Itoa(int(expires/time.Second)))
	req.URL.RawQuery = q.Encode()
	hash := UnsignedPayload
	if h := req.Header.Get("X-Amz-Content-Sha256"); h != "" {
		hash = h // a presigned PUT may pin its body
	} else if !isS3(service) {
		hash = emptySHA256
	}
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = isS3(service) })
	u, hdr, err := signer.PresignHTTP(context.Background(), testCred, req, hash, service, testRegion, at)
	if err != nil {
		t.Fatal(err)
	}
	out, err := http.NewRequest(req.Method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range hdr {
		if k != "Host" {
			out.Header[k] = vs
		}
	}
	return out
}

// toServer sends req over a pipe of bytes: what comes out is what a
// net/http server hands its handler, with Host, RequestURI, Content-Length
// and header canonicalization as on the wire.
func toServer(t testing.TB, req *http.Request) *http.Request {
	t.Helper()
	var wire bytes.Buffer
	if err := req.Write(&wire); err != nil {
		t.Fatal(err)
	}
	r, err := http.ReadRequest(bufio.NewReader(&wire))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// kindOf names the Kind of err for test messages; "ok" for nil.
func kindOf(err error) string {
	if err == nil {
		return "ok"
	}
	var e *Error
	if !errors.As(err, &e) {
		return "foreign: " + err.Error()
	}
	return string(e.Kind)
}

// readBody reads r.Body to EOF and returns the bytes and the error.
func readBody(r *http.Request) ([]byte, error) {
	return io.ReadAll(r.Body)
}
