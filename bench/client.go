// Package bench measures fsxd against the physical ceilings of the machine
// it runs on: an in-memory S3 stub (package stub) driven by the same SDK
// client, and the raw file system on the same disk. cmd/fsxdbench is its
// command line; docs/performance.md states the targets and results.
package bench

import (
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Region is what every client presents; fsxd serves us-east-1 by default.
const Region = "us-east-1"

// ClientNote is printed with every report: the client settings are part
// of what the numbers mean.
const ClientNote = "client: aws-sdk-go-v2 s3, path-style, keep-alive pool, no retries, " +
	"RequestChecksumCalculation=WhenRequired, ResponseChecksumValidation=WhenRequired (identical for every target, " +
	"so no CRC is computed or checked on either side and the server is what is measured)"

// Target is one S3 endpoint and the bucket (access point alias) measured
// there. Keys live under Prefix so targets sharing a server never collide
// (and a non-root identity never meets a directory root made).
type Target struct {
	Name   string
	S3     *s3.Client
	Bucket string
	Prefix string
	Proc   *Process // the fsxd process behind this target, if any
	Server *Process // the process serving it (fsxd or the stub), whose CPU is measured
}

// NewS3Client is the one client configuration used for every target.
// maxConns keeps that many idle connections per host, so a concurrency-8
// run reuses its connections instead of dialling.
func NewS3Client(endpoint, key, secret string, maxConns int) *s3.Client {
	return s3.New(s3.Options{
		Region:                     Region,
		BaseEndpoint:               aws.String(endpoint),
		UsePathStyle:               true,
		Credentials:                credentials.NewStaticCredentialsProvider(key, secret, ""),
		Retryer:                    aws.NopRetryer{},
		HTTPClient:                 httpClient(maxConns),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	})
}

// NewFSxClient signs FSx control-plane calls as the root user.
func NewFSxClient(endpoint, key, secret string, maxConns int) *fsx.Client {
	return fsx.New(fsx.Options{
		Region:       Region,
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(key, secret, ""),
		Retryer:      aws.NopRetryer{},
		HTTPClient:   httpClient(maxConns),
	})
}

// httpClient is the SDK's default transport with a pool of maxConns idle
// connections per host, behind plainBody.
func httpClient(maxConns int) *http.Client {
	tr := awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		tr.MaxIdleConns = 2 * maxConns
		tr.MaxIdleConnsPerHost = maxConns
	}).GetTransport()
	return &http.Client{Transport: plainBody{tr}}
}

// plainBody works around a race between net/http and smithy-go. After
// sending a request body, net/http copies what is left of it to
// io.Discard to check for extra bytes; that goes through the body's
// WriteTo. If the response has already come back, the SDK has closed the
// body, and smithy-go's wrapper then answers WriteTo with io.EOF as an
// error. net/http takes that for a failed write and closes the connection
// under the response the SDK is still reading ("use of closed network
// connection"; about 1 in 10 paginated FSx describes on this machine).
// Hiding WriteTo turns the check into a Read, whose io.EOF just means the
// end. No bytes are copied: the first copy never used WriteTo anyway (it
// reads through an io.LimitReader).
type plainBody struct{ rt http.RoundTripper }

func (p plainBody) RoundTrip(r *http.Request) (*http.Response, error) {
	if _, ok := r.Body.(io.WriterTo); ok {
		r2 := *r // a shallow copy: only the body differs, and RoundTrip must not change r
		r2.Body = struct{ io.ReadCloser }{r.Body}
		r = &r2
	}
	return p.rt.RoundTrip(r)
}
