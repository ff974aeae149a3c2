package e2e

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/fsx/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/fsxd/fsxd/authz"
)

// serveInProcess hands requests to the server's handler with their
// context, as the console does: only there can a dry-run marker travel.
type serveInProcess struct{ h http.Handler }

func (s serveInProcess) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	r := req.Clone(req.Context())
	r.RequestURI, r.RemoteAddr = r.URL.RequestURI(), "127.0.0.1:1"
	if r.Body == nil {
		r.Body = http.NoBody
	}
	s.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

// TestConsoleDryRun: a dry run of DeleteVolume answers DryRunOperation to
// root and deletes nothing, records a restricted user's refusal with its
// action and resource, and neither is counted in the metrics.
func TestConsoleDryRun(t *testing.T) {
	env := Start(t)
	fs := createOpenZFS(t, env)
	id := aws.ToString(fs.FileSystemId)
	waitFileSystem(t, env, id, types.FileSystemLifecycleAvailable)
	vol := aws.ToString(fs.OpenZFSConfiguration.RootVolumeId)
	viewerKey, viewerSecret := restrictedUser(t, env)
	client := func(creds aws.CredentialsProvider) *fsx.Client {
		return fsx.New(fsx.Options{Region: Region, Credentials: creds, BaseEndpoint: aws.String(env.URL),
			HTTPClient: &http.Client{Transport: serveInProcess{env.Server()}}, Retryer: aws.NopRetryer{}})
	}
	cases := []struct {
		who    string
		fsx    *fsx.Client
		code   string
		denied string // recorded action, "" for none
	}{
		{"root", client(env.Creds()), "DryRunOperation", ""},
		{"viewer", client(credentials.NewStaticCredentialsProvider(viewerKey, viewerSecret, "")), "AccessDeniedException", "fsx:DeleteVolume"},
	}
	before := requestsTotal(t, env)
	for _, tc := range cases {
		var d authz.DryRun
		_, err := tc.fsx.DeleteVolume(authz.WithDryRun(context.Background(), &d), &fsx.DeleteVolumeInput{VolumeId: aws.String(vol)})
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != tc.code {
			t.Fatalf("%s: dry run answered %v, want %s", tc.who, err, tc.code)
		}
		switch {
		case tc.denied == "" && d.Denied != nil:
			t.Fatalf("%s: refusal recorded: %+v", tc.who, d.Denied)
		case tc.denied != "" && (d.Denied == nil || d.Denied.Action != tc.denied || !strings.HasSuffix(d.Denied.Resource, "/"+vol)):
			t.Fatalf("%s: recorded %+v, want a refusal of %s on volume %s", tc.who, d.Denied, tc.denied, vol)
		}
	}
	if after := requestsTotal(t, env); after != before {
		t.Fatalf("fsxd_requests_total went from %v to %v over dry runs", before, after)
	}
	if _, err := env.FSx.DescribeVolumes(context.Background(), &fsx.DescribeVolumesInput{VolumeIds: []string{vol}}); err != nil {
		t.Fatalf("the volume is gone after a dry run: %v", err)
	}
	dryRunIAMAndS3(t, env)
}

// dryRunIAMAndS3: IAM and S3 answer an allowed dry run with
// DryRunOperation too, and do nothing.
func dryRunIAMAndS3(t *testing.T, env *Env) {
	t.Helper()
	alias, _ := azAccessPoint(t, env, "dry-ap", "")
	hc := &http.Client{Transport: serveInProcess{env.Server()}}
	ctx := authz.WithDryRun(context.Background(), &authz.DryRun{})
	iamc := iam.New(iam.Options{Region: Region, Credentials: env.Creds(), BaseEndpoint: aws.String(env.URL), HTTPClient: hc, Retryer: aws.NopRetryer{}})
	_, err := iamc.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("dry")})
	wantCode(t, "IAM CreateUser", err, "DryRunOperation")
	if _, err := env.IAM.GetUser(context.Background(), &iam.GetUserInput{UserName: aws.String("dry")}); err == nil {
		t.Fatal("a dry run created a user")
	}
	s3c := s3.New(s3.Options{Region: Region, Credentials: env.Creds(), BaseEndpoint: aws.String(env.URL), UsePathStyle: true, HTTPClient: hc, Retryer: aws.NopRetryer{}})
	_, err = s3c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(alias), Key: aws.String("public/a.txt")})
	wantCode(t, "S3 DeleteObject", err, "DryRunOperation")
	headObject(t, env, alias, "public/a.txt", true)
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code {
		t.Fatalf("%s: %v, want %s", what, err, code)
	}
}

// requestsTotal sums fsxd_requests_total over its labels.
func requestsTotal(t *testing.T, env *Env) float64 {
	t.Helper()
	resp, err := http.Get(env.URL + "/_fsxd/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	sum, seen := 0.0, false
	for _, line := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(line, "fsxd_requests_total{") {
			v, _ := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
			sum, seen = sum+v, true
		}
	}
	if !seen {
		t.Fatal("no fsxd_requests_total in /_fsxd/metrics")
	}
	return sum
}
