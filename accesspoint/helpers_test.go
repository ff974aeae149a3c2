package accesspoint

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/fsx/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/auth"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/awsjson"
	"github.com/fsxd/fsxd/nameservice"
	"github.com/fsxd/fsxd/store"
	"github.com/fsxd/fsxd/store/sqlite"
)

const (
	testRegion  = "us-east-1"
	testAccount = "123456789012"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is one Service over a SQLite store, with fixture file systems and
// volumes, behind an httptest server, and SDK clients for it.
type env struct {
	t     *testing.T
	dir   string
	st    *store.Store
	clock *clock
	names *nameservice.Resolver
	cfg   Config
	svc   *Service
	srv   *httptest.Server
	fsx   *fsx.Client
	s3c   *s3control.Client
	edits int // files written, for distinct modification times
}

func newEnv(t *testing.T, opts ...func(*Config)) *env {
	t.Helper()
	e := &env{t: t, dir: t.TempDir(), clock: &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}}
	b, err := sqlite.Open(filepath.Join(e.dir, "fsxd.db"))
	if err != nil {
		t.Fatal(err)
	}
	e.st = store.New(b)
	t.Cleanup(func() { e.st.Close() })
	e.writeHostDB()
	e.names = &nameservice.Resolver{DataDir: e.dir, Passwd: filepath.Join(e.dir, "passwd"), Group: filepath.Join(e.dir, "group")}
	e.cfg = Config{
		Store: e.st, Account: fsxd.Account{Partition: "aws", Region: testRegion, ID: testAccount},
		DataDir: e.dir, Names: e.names, Now: e.clock.Now, LifecycleDelay: time.Second,
		VPCs:   map[string][]string{vpcKnown: {"10.0.0.0/16"}},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Authenticate: func(*http.Request) (*auth.Principal, error) {
			return &auth.Principal{AccountID: testAccount, ARN: "arn:aws:iam::" + testAccount + ":root", IsRoot: true}, nil
		},
	}
	for _, o := range opts {
		o(&e.cfg)
	}
	e.seed()
	e.start()
	return e
}

// start (re)creates the Service over the same store: a restart.
func (e *env) start() {
	if e.srv != nil {
		e.srv.Close()
		e.svc.Close()
	}
	e.svc = New(e.cfg)
	n := 0
	e.svc.random = func(k int) string { n++; return fmt.Sprintf("%0*d", k, n) }
	mux := awsjson.NewMux("AWSSimbaAPIService_v20180301")
	e.svc.Register(mux)
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(awserr.WithRequestID(r.Context(), "REQUESTID"))
		if r.Header.Get("X-Amz-Target") != "" {
			mux.Serve(w, r)
			return
		}
		e.svc.ServeS3Control(w, r)
	}))
	e.t.Cleanup(func() { e.srv.Close(); e.svc.Close() })
	e.fsx = fsx.New(fsx.Options{
		BaseEndpoint: aws.String(e.srv.URL), Region: testRegion, Retryer: aws.NopRetryer{},
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
	})
	e.s3c = s3control.New(s3control.Options{
		BaseEndpoint: aws.String(e.srv.URL), Region: testRegion, Retryer: aws.NopRetryer{},
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
		HTTPClient:  pinnedClient(e.srv.Listener.Addr().String()),
	})
}

// pinnedClient dials addr whatever the host: the S3 Control SDK prefixes
// the endpoint's host with the account id ("123456789012.127.0.0.1"), as
// it does on AWS, and that name does not resolve.
func pinnedClient(addr string) *http.Client {
	d := &net.Dialer{}
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return d.DialContext(ctx, network, addr)
		},
	}}
}

func (e *env) writeHostDB() {
	e.write("passwd", "root:x:0:0::/root:/bin/sh\nalice:x:1001:2001::/home/alice:/bin/sh\n")
	e.write("group", "root:x:0:\nstaff:x:3001:alice\n")
}

func (e *env) write(rel, content string) {
	e.t.Helper()
	p := filepath.Join(e.dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		e.t.Fatal(err)
	}
	// A distinct modification time, so the name service sees every edit.
	e.edits++
	mt := e.clock.Now().Add(time.Duration(e.edits) * time.Second)
	os.Chtimes(p, mt, mt)
}

// svmFile writes the SVM's name-service file.
func (e *env) svmFile(content string) {
	e.write(filepath.Join("nameservice", svmID+".json"), content)
}

func (e *env) create(in *fsx.CreateAndAttachS3AccessPointInput) (*types.S3AccessPointAttachment, error) {
	out, err := e.fsx.CreateAndAttachS3AccessPoint(context.Background(), in)
	if err != nil {
		return nil, err
	}
	return out.S3AccessPointAttachment, nil
}

func (e *env) mustCreate(in *fsx.CreateAndAttachS3AccessPointInput) *types.S3AccessPointAttachment {
	e.t.Helper()
	a, err := e.create(in)
	if err != nil {
		e.t.Fatalf("create %s: %v", aws.ToString(in.Name), err)
	}
	return a
}

// describe returns one attachment, or the error.
func (e *env) describe(name string) (*types.S3AccessPointAttachment, error) {
	out, err := e.fsx.DescribeS3AccessPointAttachments(context.Background(), &fsx.DescribeS3AccessPointAttachmentsInput{Names: []string{name}})
	if err != nil {
		return nil, err
	}
	if len(out.S3AccessPointAttachments) != 1 {
		return nil, fmt.Errorf("describe %s: %d results", name, len(out.S3AccessPointAttachments))
	}
	return &out.S3AccessPointAttachments[0], nil
}

// lifecycle is name's lifecycle and reason, or "gone".
func (e *env) lifecycle(name string) (string, string) {
	e.t.Helper()
	a, err := e.describe(name)
	if errorCode(err) == "S3AccessPointAttachmentNotFound" {
		return "gone", ""
	}
	if err != nil {
		e.t.Fatal(err)
	}
	r := ""
	if a.LifecycleTransitionReason != nil {
		r = aws.ToString(a.LifecycleTransitionReason.Message)
	}
	return string(a.Lifecycle), r
}

func (e *env) wantLifecycle(name, want string) string {
	e.t.Helper()
	got, why := e.lifecycle(name)
	if got != want {
		e.t.Fatalf("%s: lifecycle %s (%s), want %s", name, got, why, want)
	}
	return why
}

// settle advances past the lifecycle delay and reconciles.
func (e *env) settle() {
	e.t.Helper()
	e.clock.Advance(e.cfg.LifecycleDelay)
	if err := e.svc.Reconcile(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) health() {
	e.t.Helper()
	if err := e.svc.HealthCheck(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

// errorCode is the AWS error code of err, or "" for nil.
func errorCode(err error) string {
	if err == nil {
		return ""
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return "not an API error: " + err.Error()
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func (e *env) tryDetach(name, token string) (*fsx.DetachAndDeleteS3AccessPointOutput, error) {
	in := &fsx.DetachAndDeleteS3AccessPointInput{Name: aws.String(name)}
	if token != "" {
		in.ClientRequestToken = aws.String(token)
	}
	return e.fsx.DetachAndDeleteS3AccessPoint(context.Background(), in)
}

func (e *env) detach(name, token string) {
	e.t.Helper()
	if _, err := e.tryDetach(name, token); err != nil {
		e.t.Fatalf("detach %s: %v", name, err)
	}
}

// httpStatus is the HTTP status of the response behind err, or 0.
func httpStatus(err error) int {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}
