// Package e2e drives a real fsxd over HTTP with the real AWS SDK clients, as
// a user would. Start runs the server in-process (so -race covers it);
// StartProcess runs the built binary (for kill -9 and multi-node tests).
package e2e

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/fsxd/fsxd/server"
)

// Region and Account are what every test server presents.
const (
	Region  = "us-east-1"
	Account = "123456789012"
)

// Env is one running fsxd and clients signed as its root user.
type Env struct {
	t       testing.TB
	cfg     server.Config
	srv     *server.Server
	stop    context.CancelFunc
	done    chan error
	URL     string // http://127.0.0.1:PORT
	Addr    string
	DataDir string
	Key     string
	Secret  string

	FSx       *fsx.Client
	S3        *s3.Client // path-style
	S3Control *s3control.Client
	IAM       *iam.Client
	STS       *sts.Client
}

// Option changes the server configuration before start.
type Option func(*server.Config)

// ImportRoots lets API callers import directories strictly below dirs
// (fsxd serve --import-root).
func ImportRoots(dirs ...string) Option {
	return func(c *server.Config) { c.ImportRoots = append(c.ImportRoots, dirs...) }
}

// AutomaticBackups lets file systems' daily AUTOMATIC backups run.
func AutomaticBackups(c *server.Config) { c.NoAutomaticBackups = false }

// Start runs fsxd in-process on 127.0.0.1 with a fresh data dir and short
// lifecycle delays; it is stopped when the test ends.
func Start(t testing.TB, opts ...Option) *Env {
	t.Helper()
	cfg := server.Config{
		Listen:              "127.0.0.1:0",
		DataDir:             t.TempDir(),
		RootAccessKeyID:     "AKIAFSXDTESTROOT0001",
		RootSecretAccessKey: "fsxd-test-root-secret-key-0000000000000",
		LifecycleDelay:      150 * time.Millisecond,
		ReconcileInterval:   50 * time.Millisecond,
		HealthInterval:      200 * time.Millisecond,
		Domains:             []string{"s3.fsxd.test"},
		Umask:               0o022,
		Logger:              slog.New(slog.NewTextHandler(io.Discard, nil)),
		// Every file system asks for daily backups by default (30 days,
		// 05:00): only tests that want them get them (AutomaticBackups).
		NoAutomaticBackups: true,
	}
	if os.Getenv("FSXD_E2E_LOG") != "" {
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	for _, o := range opts {
		o(&cfg)
	}
	e := &Env{t: t, cfg: cfg, DataDir: cfg.DataDir, Key: cfg.RootAccessKeyID, Secret: cfg.RootSecretAccessKey}
	e.start()
	t.Cleanup(e.Stop)
	return e
}

func (e *Env) start() {
	e.t.Helper()
	srv, err := server.New(e.cfg)
	if err != nil {
		e.t.Fatalf("server.New: %v", err)
	}
	ln, err := net.Listen("tcp", e.cfg.Listen)
	if err != nil {
		e.t.Fatalf("listen: %v", err)
	}
	// Keep the port across restarts so clients stay valid.
	e.cfg.Listen = ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	e.srv, e.stop, e.done = srv, cancel, make(chan error, 1)
	go func() { e.done <- srv.Serve(ctx, ln) }()
	e.Addr = ln.Addr().String()
	e.URL = "http://" + e.Addr
	waitHealthy(e.t, e.URL)
	e.FSx = fsx.New(fsx.Options{}, e.fsxOpts)
	e.S3 = e.S3Client(func(o *s3.Options) { o.UsePathStyle = true })
	e.S3Control = s3control.New(s3control.Options{}, e.s3controlOpts)
	e.IAM = iam.New(iam.Options{}, e.iamOpts)
	e.STS = sts.New(sts.Options{}, e.stsOpts)
}

// The common client options: endpoint, region, root credentials, no
// retries (a test must see the first answer).
func (e *Env) fsxOpts(o *fsx.Options) {
	o.BaseEndpoint, o.Region, o.Credentials, o.Retryer = aws.String(e.URL), Region, e.Creds(), aws.NopRetryer{}
	o.HTTPClient = sdkHTTPClient()
}

// sdkHTTPClient is the SDK's usual transport behind plainBody.
func sdkHTTPClient() *http.Client {
	return &http.Client{Transport: plainBody{http.DefaultTransport.(*http.Transport).Clone()}}
}

// plainBody works around a client-side race between net/http and
// smithy-go: after sending a body, net/http drains what is left through the
// body's WriteTo; when the response has already arrived the SDK has closed
// the body, smithy-go's WriteTo answers io.EOF as an error, and net/http
// closes the connection under the response being read ("use of closed
// network connection", about 1 in 10 paginated calls here). Hiding WriteTo
// makes the drain a Read, whose io.EOF is just the end.
type plainBody struct{ rt http.RoundTripper }

func (p plainBody) RoundTrip(r *http.Request) (*http.Response, error) {
	if _, ok := r.Body.(io.WriterTo); ok {
		r2 := *r
		r2.Body = struct{ io.ReadCloser }{r.Body}
		r = &r2
	}
	return p.rt.RoundTrip(r)
}

// S3 Control clients send to <account>.<host>, which does not resolve:
// their connections go to the server whatever the host name.
func (e *Env) s3controlOpts(o *s3control.Options) {
	o.BaseEndpoint, o.Region, o.Credentials, o.Retryer = aws.String(e.URL), Region, e.Creds(), aws.NopRetryer{}
	o.HTTPClient = e.HTTPClient()
}

// HTTPClient connects to the server whatever host name a request names, so
// virtual-hosted and account-prefixed requests reach it.
func (e *Env) HTTPClient() *http.Client {
	addr := e.Addr
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	return &http.Client{Transport: plainBody{tr}}
}

func (e *Env) iamOpts(o *iam.Options) {
	o.BaseEndpoint, o.Region, o.Credentials, o.Retryer = aws.String(e.URL), Region, e.Creds(), aws.NopRetryer{}
	o.HTTPClient = sdkHTTPClient()
}

func (e *Env) stsOpts(o *sts.Options) {
	o.BaseEndpoint, o.Region, o.Credentials, o.Retryer = aws.String(e.URL), Region, e.Creds(), aws.NopRetryer{}
	o.HTTPClient = sdkHTTPClient()
}

// Creds are the root user's static credentials.
func (e *Env) Creds() aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(e.Key, e.Secret, "")
}

// S3Client returns an S3 client for this server signed as root; opts may
// switch addressing style or credentials.
func (e *Env) S3Client(opts ...func(*s3.Options)) *s3.Client {
	base := []func(*s3.Options){func(o *s3.Options) {
		o.BaseEndpoint, o.Region, o.Credentials = aws.String(e.URL), Region, e.Creds()
		o.Retryer = retry.AddWithMaxAttempts(retry.NewStandard(), 1)
	}}
	return s3.New(s3.Options{}, append(base, opts...)...)
}

// Server is the in-process server (nil for StartProcess).
func (e *Env) Server() *server.Server { return e.srv }

// Stop drains and closes the server.
func (e *Env) Stop() {
	if e.stop == nil {
		return
	}
	e.stop()
	if err := <-e.done; err != nil {
		e.t.Errorf("server stopped with %v", err)
	}
	e.srv.Close()
	e.stop = nil
}

// Restart stops the server and starts a new one on the same data dir and port.
func (e *Env) Restart() {
	e.t.Helper()
	e.Stop()
	e.start()
}

func waitHealthy(t testing.TB, url string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(url + "/_fsxd/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("fsxd at %s did not become healthy", url)
}

// Eventually polls cond until it returns true or the timeout passes.
func Eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(25 * time.Millisecond)
	}
}
