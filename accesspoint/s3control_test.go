package accesspoint

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3control/types"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/auth"
	"github.com/fsxd/fsxd/awserr"
)

func TestGetAccessPoint(t *testing.T) {
	e := newEnv(t)
	in := openZFS("zfs-ap", volOZ, 1, 1)
	in.S3AccessPoint = &types.CreateAndAttachS3AccessPointS3Configuration{VpcConfiguration: &types.S3AccessPointVpcConfiguration{VpcId: aws.String(vpcKnown)}}
	e.mustCreate(in)
	e.mustCreate(ontap("ontap-ap", volUnix, "UNIX", "alice"))
	ctx := context.Background()

	out, err := e.s3c.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: aws.String(testAccount), Name: aws.String("zfs-ap")})
	if err != nil {
		t.Fatal(err)
	}
	check := func(field, got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %q, want %q", field, got, want)
		}
	}
	check("Name", aws.ToString(out.Name), "zfs-ap")
	check("Bucket", aws.ToString(out.Bucket), volOZ)
	check("NetworkOrigin", string(out.NetworkOrigin), "VPC")
	check("VpcId", aws.ToString(out.VpcConfiguration.VpcId), vpcKnown)
	check("Alias", aws.ToString(out.Alias), "zfs-ap-0000000001-ext-s3alias")
	check("AccessPointArn", aws.ToString(out.AccessPointArn), "arn:aws:s3:us-east-1:123456789012:accesspoint/zfs-ap")
	check("BucketAccountId", aws.ToString(out.BucketAccountId), testAccount)
	check("DataSourceId", aws.ToString(out.DataSourceId), volOZ)
	check("DataSourceType", aws.ToString(out.DataSourceType), "FSX_OPENZFS")
	check("CreationDate", out.CreationDate.UTC().Format(time.RFC3339), "2026-03-01T12:00:00Z")
	b := out.PublicAccessBlockConfiguration
	if b == nil || !aws.ToBool(b.BlockPublicAcls) || !aws.ToBool(b.IgnorePublicAcls) || !aws.ToBool(b.BlockPublicPolicy) || !aws.ToBool(b.RestrictPublicBuckets) {
		t.Errorf("PublicAccessBlockConfiguration = %+v", b)
	}

	out, err = e.s3c.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: aws.String(testAccount), Name: aws.String("ontap-ap")})
	if err != nil {
		t.Fatal(err)
	}
	check("ONTAP NetworkOrigin", string(out.NetworkOrigin), "Internet")
	check("ONTAP DataSourceType", aws.ToString(out.DataSourceType), "FSX_ONTAP")
	if out.VpcConfiguration != nil {
		t.Errorf("VpcConfiguration = %+v", out.VpcConfiguration)
	}

}

func TestS3ControlErrors(t *testing.T) {
	e := newEnv(t)
	e.mustCreate(openZFS("here", volOZ, 1, 1))
	ctx := context.Background()
	acct := aws.String(testAccount)
	tests := []struct {
		name string
		call func() error
		code string
	}{
		{"get unknown", func() error {
			_, err := e.s3c.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: acct, Name: aws.String("nope")})
			return err
		}, "NoSuchAccessPoint"},
		{"other account", func() error {
			_, err := e.s3c.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: aws.String("210987654321"), Name: aws.String("here")})
			return err
		}, "AccessDenied"},
		{"no policy", func() error {
			_, err := e.s3c.GetAccessPointPolicy(ctx, &s3control.GetAccessPointPolicyInput{AccountId: acct, Name: aws.String("here")})
			return err
		}, "NoSuchAccessPointPolicy"},
		{"no policy status", func() error {
			_, err := e.s3c.GetAccessPointPolicyStatus(ctx, &s3control.GetAccessPointPolicyStatusInput{AccountId: acct, Name: aws.String("here")})
			return err
		}, "NoSuchAccessPointPolicy"},
		{"put malformed policy", func() error {
			_, err := e.s3c.PutAccessPointPolicy(ctx, &s3control.PutAccessPointPolicyInput{AccountId: acct, Name: aws.String("here"), Policy: aws.String("{")})
			return err
		}, "MalformedPolicy"},
		{"put forbidden action", func() error {
			_, err := e.s3c.PutAccessPointPolicy(ctx, &s3control.PutAccessPointPolicyInput{AccountId: acct, Name: aws.String("here"), Policy: aws.String(policyWith("s3:GetBucketLocation"))})
			return err
		}, "MalformedPolicy"},
		{"put on unknown", func() error {
			_, err := e.s3c.PutAccessPointPolicy(ctx, &s3control.PutAccessPointPolicyInput{AccountId: acct, Name: aws.String("nope"), Policy: aws.String(validPolicy)})
			return err
		}, "NoSuchAccessPoint"},
		{"delete policy of unknown", func() error {
			_, err := e.s3c.DeleteAccessPointPolicy(ctx, &s3control.DeleteAccessPointPolicyInput{AccountId: acct, Name: aws.String("nope")})
			return err
		}, "NoSuchAccessPoint"},
		{"delete unknown", func() error {
			_, err := e.s3c.DeleteAccessPoint(ctx, &s3control.DeleteAccessPointInput{AccountId: acct, Name: aws.String("nope")})
			return err
		}, "NoSuchAccessPoint"},
		{"create for a bucket", func() error {
			_, err := e.s3c.CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{AccountId: acct, Name: aws.String("new-ap"), Bucket: aws.String("bucket")})
			return err
		}, "NotImplemented"},
		{"other operation", func() error {
			_, err := e.s3c.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: acct})
			return err
		}, "NotImplemented"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := errorCode(tt.call()); got != tt.code {
				t.Errorf("got %s, want %s", got, tt.code)
			}
		})
	}
}

// TestDeleteAccessPointFails: S3 Control's DeleteAccessPoint leaves the
// attachment FAILED, as on AWS, and S3 Control no longer sees it.
func TestDeleteAccessPointFails(t *testing.T) {
	e := newEnv(t)
	e.mustCreate(openZFS("s3del", volOZ, 1, 1))
	e.mustCreate(openZFS("s3del-creating", volOZ, 1, 1))
	e.settle()
	e.mustCreate(openZFS("s3del-new", volOZ, 1, 1))
	ctx := context.Background()
	for _, n := range []string{"s3del", "s3del-new"} {
		if _, err := e.s3c.DeleteAccessPoint(ctx, &s3control.DeleteAccessPointInput{AccountId: aws.String(testAccount), Name: aws.String(n)}); err != nil {
			t.Fatal(err)
		}
	}
	e.settle()
	e.health()
	for _, n := range []string{"s3del", "s3del-new"} {
		if why := e.wantLifecycle(n, fsxd.Failed); why != reasonS3Deleted {
			t.Errorf("%s: reason %q", n, why)
		}
		if _, err := e.s3c.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: aws.String(testAccount), Name: aws.String(n)}); errorCode(err) != "NoSuchAccessPoint" {
			t.Errorf("%s: get after delete: %v", n, err)
		}
	}
	e.detach("s3del", "")
	e.settle()
	e.wantLifecycle("s3del", "gone")
}

func TestListAccessPoints(t *testing.T) {
	e := newEnv(t)
	e.mustCreate(openZFS("list-a", volOZ, 1, 1))
	e.mustCreate(openZFS("list-b", volOZ2, 1, 1))
	e.mustCreate(ontap("list-c", volUnix, "UNIX", "alice"))
	e.mustCreate(openZFS("list-d", volOZ, 1, 1))
	e.detach("list-d", "") // DELETING: S3 no longer lists it
	ctx := context.Background()
	list := func(in s3control.ListAccessPointsInput) []string {
		t.Helper()
		in.AccountId = aws.String(testAccount)
		var out []string
		p := s3control.NewListAccessPointsPaginator(e.s3c, &in)
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, ap := range page.AccessPointList {
				out = append(out, aws.ToString(ap.Name))
			}
		}
		return strings.Fields(strings.Join(out, " "))
	}
	for _, tt := range []struct {
		name string
		in   s3control.ListAccessPointsInput
		want string
	}{
		{"default: bucket access points only", s3control.ListAccessPointsInput{}, ""},
		{"ALL", s3control.ListAccessPointsInput{DataSourceType: aws.String("ALL")}, "list-a list-b list-c"},
		{"ALL, paged", s3control.ListAccessPointsInput{DataSourceType: aws.String("ALL"), MaxResults: 1}, "list-a list-b list-c"},
		{"FSX_ONTAP", s3control.ListAccessPointsInput{DataSourceType: aws.String("FSX_ONTAP")}, "list-c"},
		{"by volume", s3control.ListAccessPointsInput{DataSourceType: aws.String("ALL"), DataSourceId: aws.String(volOZ2)}, "list-b"},
		{"by bucket", s3control.ListAccessPointsInput{DataSourceType: aws.String("FSX_OPENZFS"), Bucket: aws.String(volOZ)}, "list-a"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := strings.Join(list(tt.in), " "); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	out, err := e.s3c.ListAccessPoints(ctx, &s3control.ListAccessPointsInput{AccountId: aws.String(testAccount), DataSourceType: aws.String("ALL"), MaxResults: 1})
	if err != nil || len(out.AccessPointList) != 1 {
		t.Fatal(err)
	}
	ap := out.AccessPointList[0]
	if aws.ToString(ap.DataSourceId) != volOZ || ap.NetworkOrigin != s3types.NetworkOriginInternet || aws.ToString(ap.Alias) == "" {
		t.Errorf("entry = %+v", ap)
	}
	_, err = e.s3c.ListAccessPoints(ctx, &s3control.ListAccessPointsInput{AccountId: aws.String(testAccount), DataSourceType: aws.String("ALL"), NextToken: aws.String("bogus")})
	if errorCode(err) != "InvalidArgument" {
		t.Errorf("bad token: %v", err)
	}
}

// TestS3ControlNoAuthenticator: a Service wired without an authenticator
// serves no S3 Control request, as s3api's handler does not.
func TestS3ControlNoAuthenticator(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Authenticate = nil })
	e.mustCreate(openZFS("open", volOZ, 1, 1))
	_, err := e.s3c.GetAccessPoint(context.Background(), &s3control.GetAccessPointInput{AccountId: aws.String(testAccount), Name: aws.String("open")})
	if errorCode(err) != "AccessDenied" {
		t.Errorf("GetAccessPoint without an authenticator: %v, want AccessDenied", err)
	}
}

// TestS3ControlAuth: the authenticator's error is returned as is, and the
// signer's account must be the one named.
func TestS3ControlAuth(t *testing.T) {
	var principal *auth.Principal
	e := newEnv(t, func(c *Config) {
		c.Authenticate = func(r *http.Request) (*auth.Principal, error) {
			if principal == nil {
				return nil, awserr.SignatureDoesNotMatch.Err("")
			}
			return principal, nil
		}
	})
	e.mustCreate(openZFS("authd", volOZ, 1, 1))
	get := func() error {
		_, err := e.s3c.GetAccessPoint(context.Background(), &s3control.GetAccessPointInput{AccountId: aws.String(testAccount), Name: aws.String("authd")})
		return err
	}
	if errorCode(get()) != "SignatureDoesNotMatch" {
		t.Error("unauthenticated request served")
	}
	principal = &auth.Principal{AccountID: "210987654321"}
	if errorCode(get()) != "AccessDenied" {
		t.Error("other account's principal served")
	}
	principal = &auth.Principal{AccountID: testAccount}
	if err := get(); err != nil {
		t.Error(err)
	}
}

// TestS3ControlRaw checks what the SDK does not let a test send: a missing
// account header, and the operation names for metrics.
func TestS3ControlRaw(t *testing.T) {
	e := newEnv(t)
	resp, err := http.Get(e.srv.URL + "/v20180820/accesspoint/x")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.Contains(string(b), "x-amz-account-id") {
		t.Errorf("no account header: %d %s", resp.StatusCode, b)
	}
	e.mustCreate(openZFS("by-arn", volOZ, 1, 1))
	for arn, want := range map[string]int{
		"arn:aws:s3:us-east-1:123456789012:accesspoint/by-arn": 200,
		"arn:aws:s3:us-east-1:210987654321:accesspoint/by-arn": 403,
		"arn:aws:s3:eu-west-1:123456789012:accesspoint/by-arn": 400,
	} {
		req, _ := http.NewRequest("GET", e.srv.URL+"/v20180820/accesspoint/"+url.PathEscape(arn), nil)
		req.Header.Set("x-amz-account-id", testAccount)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET by %s: %d, want %d", arn, resp.StatusCode, want)
		}
	}
	for path, want := range map[string]string{
		"GET /v20180820/accesspoint":                     "ListAccessPoints",
		"GET /v20180820/accesspoint/a":                   "GetAccessPoint",
		"DELETE /v20180820/accesspoint/a":                "DeleteAccessPoint",
		"PUT /v20180820/accesspoint/a/policy":            "PutAccessPointPolicy",
		"GET /v20180820/accesspoint/a/policyStatus":      "GetAccessPointPolicyStatus",
		"GET /v20180820/configuration/publicAccessBlock": "Unsupported",
	} {
		method, p, _ := strings.Cut(path, " ")
		r, _ := http.NewRequest(method, "http://h"+p, nil)
		if got := e.svc.Operation(r); got != want {
			t.Errorf("Operation(%s) = %s, want %s", path, got, want)
		}
	}
}
