package e2e

// Helpers of the hardening suite (hardening_*_test.go): an access point
// whose volume directory the test can reach on disk, raw SigV4-signed
// requests whose path is exactly what the test wrote, and bounded waits.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

// hardDeadline bounds every single request of the suite: a request that
// blocks (on a FIFO, a slow client) fails the test instead of hanging it.
const hardDeadline = 5 * time.Second

// hardVolume is an OpenZFS child volume with an AVAILABLE access point
// whose identity is uid (0 = root), and the volume's directory.
type hardVolume struct {
	alias, dir, volID, fsID string
}

func hardAccessPoint(t *testing.T, e *Env, name string, uid int64) hardVolume {
	t.Helper()
	fsID, root := apOpenZFSFileSystem(t, e, "SINGLE_AZ_HA_2")
	vol := apChildVolume(t, e, root, "data")
	out, err := e.FSx.CreateAndAttachS3AccessPoint(context.Background(), apPosix(name, vol, uid))
	if err != nil {
		t.Fatal(err)
	}
	apWaitState(t, e, name, "AVAILABLE")
	dir := filepath.Join(e.DataDir, "fs", fsID, "fsx", "data")
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("volume directory: %v", err)
	}
	return hardVolume{alias: aws.ToString(out.S3AccessPointAttachment.S3AccessPoint.Alias), dir: dir, volID: vol, fsID: fsID}
}

// hardImportedVolume imports dir (below an import root of e) as an OpenZFS
// child volume with the fsxd:import-path tag and attaches an access point
// as root to it.
func hardImportedVolume(t *testing.T, e *Env, name, dir string, quotaGiB int32) hardVolume {
	t.Helper()
	ctx := context.Background()
	fsID, root := apOpenZFSFileSystem(t, e, "SINGLE_AZ_HA_2")
	cfg := &fsxtypes.CreateOpenZFSVolumeConfiguration{ParentVolumeId: aws.String(root)}
	if quotaGiB > 0 {
		cfg.StorageCapacityQuotaGiB = aws.Int32(quotaGiB)
	}
	v, err := e.FSx.CreateVolume(ctx, &fsx.CreateVolumeInput{
		VolumeType: fsxtypes.VolumeTypeOpenzfs, Name: aws.String(name), OpenZFSConfiguration: cfg,
		Tags: []fsxtypes.Tag{{Key: aws.String("fsxd:import-path"), Value: aws.String(dir)}},
	})
	if err != nil {
		t.Fatalf("CreateVolume (import %s): %v", dir, err)
	}
	vol := aws.ToString(v.Volume.VolumeId)
	apWaitVolume(t, e, vol)
	out, err := e.FSx.CreateAndAttachS3AccessPoint(ctx, apPosix(name, vol, 0))
	if err != nil {
		t.Fatal(err)
	}
	apWaitState(t, e, name, "AVAILABLE")
	return hardVolume{alias: aws.ToString(out.S3AccessPointAttachment.S3AccessPoint.Alias), dir: dir, volID: vol, fsID: fsID}
}

// hardClient is an S3 client whose every request gives up after
// hardDeadline.
func hardClient(e *Env) *s3.Client {
	return e.S3Client(func(o *s3.Options) {
		o.UsePathStyle = true
		o.HTTPClient = &http.Client{Timeout: hardDeadline}
	})
}

// hardCode is the S3 error code of err ("" for nil). A client-side
// timeout is reported as "TIMEOUT" so tests can name it.
func hardCode(err error) string {
	var ae smithy.APIError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &ae):
		return ae.ErrorCode()
	case errors.Is(err, context.DeadlineExceeded), strings.Contains(err.Error(), "Client.Timeout"):
		return "TIMEOUT"
	}
	return "non-API error: " + err.Error()
}

// rawResponse is the status and body of a raw request.
type rawResponse struct {
	status int
	body   string
	header http.Header
}

// hardRaw sends one SigV4-signed request whose request line carries
// rawPath (and rawQuery) byte for byte: the SDK signer signs the opaque
// path as is, as S3 clients do (no second encoding).
func hardRaw(t *testing.T, e *Env, method, rawPath, rawQuery string, hdr http.Header, body []byte) rawResponse {
	t.Helper()
	req, err := hardSigned(e, method, rawPath, rawQuery, hdr, body)
	if err != nil {
		t.Fatalf("%s %s: sign: %v", method, rawPath, err)
	}
	resp, err := (&http.Client{Timeout: hardDeadline}).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, rawPath, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return rawResponse{status: resp.StatusCode, body: string(b), header: resp.Header}
}

func hardSigned(e *Env, method, rawPath, rawQuery string, hdr http.Header, body []byte) (*http.Request, error) {
	return hardSignedAs(e, "s3", method, rawPath, rawQuery, hdr, body)
}

// hardSignedAs signs for service (s3, fsx, ...).
func hardSignedAs(e *Env, service, method, rawPath, rawQuery string, hdr http.Header, body []byte) (*http.Request, error) {
	req, err := http.NewRequest(method, e.URL+"/", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.URL.Opaque, req.URL.RawQuery = rawPath, rawQuery
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	sum := sha256.Sum256(body)
	payload := hex.EncodeToString(sum[:])
	req.Header.Set("X-Amz-Content-Sha256", payload)
	creds, err := e.Creds().Retrieve(context.Background())
	if err != nil {
		return nil, err
	}
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	return req, signer.SignHTTP(context.Background(), creds, req, payload, service, Region, time.Now())
}

// xmlCode pulls <Code> out of an S3 error document.
func xmlCode(body string) string {
	_, rest, ok := strings.Cut(body, "<Code>")
	if !ok {
		return ""
	}
	code, _, _ := strings.Cut(rest, "</Code>")
	return code
}

// hardTimed runs fn and fails if it takes longer than hardDeadline.
func hardTimed(t *testing.T, what string, fn func()) {
	t.Helper()
	start := time.Now()
	fn()
	if d := time.Since(start); d > hardDeadline {
		t.Errorf("%s took %v (limit %v)", what, d, hardDeadline)
	}
}
