package e2e

// What is signed is what is obeyed: an x-amz-* header outside the
// signature is refused on every API (a presigned PUT URL must not become
// a server-side copy), and a signature scoped to another region or
// service is refused with the error AWS gives for it.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"html"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

const notSignedMsg = "There were headers present in the request which were not signed"

// hostileHeaders are what the holder of a URL that signs only host could
// add; each would change what the PUT does.
func hostileHeaders(alias string) [][2]string {
	return [][2]string{
		{"X-Amz-Copy-Source", alias + "/confidential/report.txt"},
		{"X-Amz-Tagging", "leaked=yes"},
		{"X-Amz-Meta-X", "injected"},
	}
}

// do sends req and returns status, body and headers.
func do(t *testing.T, req *http.Request) rawResponse {
	t.Helper()
	resp, err := (&http.Client{Timeout: hardDeadline}).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return rawResponse{status: resp.StatusCode, body: string(b), header: resp.Header}
}

// xmlElem pulls <name>...</name> out of an XML document, unescaped.
func xmlElem(body, name string) string {
	_, rest, ok := strings.Cut(body, "<"+name+">")
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, "</"+name+">")
	return html.UnescapeString(v)
}

func wantXMLError(t *testing.T, what string, r rawResponse, status int, code, msg string) {
	t.Helper()
	if r.status != status || xmlCode(r.body) != code || xmlElem(r.body, "Message") != msg {
		t.Fatalf("%s: got %d %s, want %d %s %q", what, r.status, r.body, status, code, msg)
	}
}

// wantGone fails unless key does not exist on the access point.
func wantGone(t *testing.T, e *Env, alias, key string) {
	t.Helper()
	_, err := e.S3.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(alias), Key: aws.String(key)})
	if hardCode(err) != "NotFound" {
		t.Fatalf("%s: want nothing written, HeadObject says %v", key, err)
	}
}

func TestSignPresignedPutRefusesUnsignedHeaders(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	alias := s3AccessPoint(t, e, "sign-pre")
	if _, err := e.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(alias), Key: aws.String("confidential/report.txt"),
		Body: strings.NewReader("top secret")}); err != nil {
		t.Fatal(err)
	}
	put, err := s3.NewPresignClient(e.S3).PresignPutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(alias), Key: aws.String("drop.txt")})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hostileHeaders(alias) {
		req, _ := http.NewRequest("PUT", put.URL, strings.NewReader("payload"))
		req.Header.Set(h[0], h[1])
		r := do(t, req)
		wantXMLError(t, h[0], r, 403, "AccessDenied", notSignedMsg)
		if got := xmlElem(r.body, "HeadersNotSigned"); got != strings.ToLower(h[0]) {
			t.Fatalf("%s: HeadersNotSigned %q", h[0], got)
		}
		wantGone(t, e, alias, "drop.txt")
	}
	// The URL still works as signed; Content-Type, which it did not sign,
	// is stored as on AWS (docs/decisions.md).
	req, _ := http.NewRequest("PUT", put.URL, strings.NewReader("payload"))
	req.Header.Set("Content-Type", "text/plain")
	if r := do(t, req); r.status != 200 {
		t.Fatalf("plain presigned PUT: %d %s", r.status, r.body)
	}
	h, err := e.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(alias), Key: aws.String("drop.txt")})
	if err != nil || aws.ToString(h.ContentType) != "text/plain" || len(h.Metadata) != 0 {
		t.Fatalf("HeadObject: %v %+v", err, h)
	}
}

// signRaw signs req as the SDK signer does, for service and region, with
// the body's hash in x-amz-content-sha256 (S3 wants it; others ignore it).
func signRaw(t *testing.T, e *Env, req *http.Request, body []byte, service, region string) {
	t.Helper()
	sum := sha256.Sum256(body)
	payload := hex.EncodeToString(sum[:])
	req.Header.Set("X-Amz-Content-Sha256", payload)
	creds, _ := e.Creds().Retrieve(context.Background())
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = service == "s3" })
	if err := signer.SignHTTP(context.Background(), creds, req, payload, service, region, time.Now()); err != nil {
		t.Fatal(err)
	}
}

// presignRaw presigns req for service and region, keeping x-amz-* headers
// as signed headers rather than hoisting them into the query.
func presignRaw(t *testing.T, e *Env, req *http.Request, service, region string) *http.Request {
	t.Helper()
	q := req.URL.Query()
	q.Set("X-Amz-Expires", "300")
	req.URL.RawQuery = q.Encode()
	payload := "UNSIGNED-PAYLOAD"
	if service != "s3" {
		sum := sha256.Sum256(nil)
		payload = hex.EncodeToString(sum[:])
	}
	creds, _ := e.Creds().Retrieve(context.Background())
	signer := v4.NewSigner(func(o *v4.SignerOptions) {
		o.DisableURIPathEscaping = service == "s3"
		o.DisableHeaderHoisting = true
	})
	u, hdr, err := signer.PresignHTTP(context.Background(), creds, req, payload, service, region, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	out, _ := http.NewRequest(req.Method, u, nil)
	for k, vs := range hdr {
		if k != "Host" {
			out.Header[k] = vs
		}
	}
	return out
}

func TestSignS3HeaderSignedRefusesUnsignedHeaders(t *testing.T) {
	e := Start(t)
	alias := s3AccessPoint(t, e, "sign-hdr")
	for _, h := range hostileHeaders(alias) {
		body := []byte("payload")
		req, _ := http.NewRequest("PUT", e.URL+"/"+alias+"/drop.txt", bytes.NewReader(body))
		signRaw(t, e, req, body, "s3", Region)
		req.Header.Set(h[0], h[1]) // after signing: not in SignedHeaders
		r := do(t, req)
		wantXMLError(t, h[0], r, 403, "AccessDenied", notSignedMsg)
		if got := xmlElem(r.body, "HeadersNotSigned"); got != strings.ToLower(h[0]) {
			t.Fatalf("%s: HeadersNotSigned %q", h[0], got)
		}
		wantGone(t, e, alias, "drop.txt")
	}
}

// addAfterSigning adds a header once the SDK has signed the request, as a
// proxy or a tampering middlebox would.
func addAfterSigning(name, value string) func(*middleware.Stack) error {
	return func(s *middleware.Stack) error {
		return s.Finalize.Add(middleware.FinalizeMiddlewareFunc("addUnsigned", func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			if req, ok := in.Request.(*smithyhttp.Request); ok {
				req.Header.Set(name, value)
			}
			return next.HandleFinalize(ctx, in)
		}), middleware.After)
	}
}

// wantAPIError checks an SDK error's code, HTTP status and message.
func wantAPIError(t *testing.T, what string, err error, status int, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	var re *awshttp.ResponseError
	if !errors.As(err, &ae) || !errors.As(err, &re) || ae.ErrorCode() != code || re.HTTPStatusCode() != status || ae.ErrorMessage() != msg {
		t.Fatalf("%s: got %v, want %d %s %q", what, err, status, code, msg)
	}
}

func TestSignFSxAndIAMRefuseUnsignedHeaders(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	_, err := e.FSx.CreateFileSystem(ctx, signFSInput(), func(o *fsx.Options) {
		o.APIOptions = append(o.APIOptions, addAfterSigning("X-Amz-Meta-X", "1"))
	})
	wantAPIError(t, "FSx CreateFileSystem", err, 400, "AccessDeniedException", notSignedMsg)
	fss, err := e.FSx.DescribeFileSystems(ctx, &fsx.DescribeFileSystemsInput{})
	if err != nil || len(fss.FileSystems) != 0 {
		t.Fatalf("a file system was created: %v %d", err, len(fss.FileSystems))
	}
	_, err = e.IAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("mallory")}, func(o *iam.Options) {
		o.APIOptions = append(o.APIOptions, addAfterSigning("X-Amz-Security-Token", "forged"))
	})
	wantAPIError(t, "IAM CreateUser", err, 403, "AccessDenied", notSignedMsg)
	if _, err := e.IAM.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("mallory")}); hardCode(err) != "NoSuchEntity" {
		t.Fatalf("the user was created: %v", err)
	}
	// The same calls, as the SDK sends them, still work.
	if _, err := e.IAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("mallory")}); err != nil {
		t.Fatal(err)
	}
}

func signFSInput() *fsx.CreateFileSystemInput {
	return &fsx.CreateFileSystemInput{
		FileSystemType: fsxtypes.FileSystemTypeOpenzfs, StorageCapacity: aws.Int32(64), SubnetIds: []string{"subnet-0123456789abcdef0"},
		OpenZFSConfiguration: &fsxtypes.CreateFileSystemOpenZFSConfiguration{
			DeploymentType: "SINGLE_AZ_HA_2", ThroughputCapacity: aws.Int32(apThroughput["SINGLE_AZ_HA_2"]),
		},
	}
}

func TestSignS3WrongScope(t *testing.T) {
	e := Start(t)
	alias := s3AccessPoint(t, e, "sign-scope")
	const hdrMsg, preMsg = "The authorization header is malformed; ", "Error parsing the X-Amz-Credential parameter; "
	for _, tc := range []struct {
		name, region, service, msg string
	}{
		{"other region", "eu-west-1", "s3", "the region 'eu-west-1' is wrong; expecting 'us-east-1'"},
		{"made-up region", "xx", "s3", "the region 'xx' is wrong; expecting 'us-east-1'"},
		{"ec2", Region, "ec2", "incorrect service 'ec2'. This endpoint belongs to 's3'."},
		{"fsx", Region, "fsx", "incorrect service 'fsx'. This endpoint belongs to 's3'."},
	} {
		wantRegion := ""
		if tc.region != Region {
			wantRegion = Region
		}
		req, _ := http.NewRequest("GET", e.URL+"/"+alias+"?list-type=2", nil)
		signRaw(t, e, req, nil, tc.service, tc.region)
		r := do(t, req)
		wantXMLError(t, tc.name+"/header", r, 400, "AuthorizationHeaderMalformed", hdrMsg+tc.msg)
		if got := xmlElem(r.body, "Region"); got != wantRegion {
			t.Fatalf("%s/header: Region %q, want %q", tc.name, got, wantRegion)
		}
		req, _ = http.NewRequest("GET", e.URL+"/"+alias+"?list-type=2", nil)
		r = do(t, presignRaw(t, e, req, tc.service, tc.region))
		wantXMLError(t, tc.name+"/presigned", r, 400, "AuthorizationQueryParametersError", preMsg+tc.msg)
		if got := xmlElem(r.body, "Region"); got != wantRegion {
			t.Fatalf("%s/presigned: Region %q, want %q", tc.name, got, wantRegion)
		}
	}
	// The SDK's own presigner, configured for another region.
	get, err := s3.NewPresignClient(e.S3, func(o *s3.PresignOptions) {
		o.ClientOptions = append(o.ClientOptions, func(o *s3.Options) { o.Region = "eu-west-1" })
	}).PresignGetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(alias), Key: aws.String("k")})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", get.URL, nil)
	wantXMLError(t, "SDK presigned GET", do(t, req), 400, "AuthorizationQueryParametersError", preMsg+"the region 'eu-west-1' is wrong; expecting 'us-east-1'")
	// S3 Control signs as s3 too, and is held to the same region.
	_, err = e.S3Control.GetAccessPoint(context.Background(), &s3control.GetAccessPointInput{AccountId: aws.String(Account), Name: aws.String("sign-scope")},
		func(o *s3control.Options) { o.Region = "eu-west-1" })
	wantAPIError(t, "S3 Control in eu-west-1", err, 400, "AuthorizationHeaderMalformed", hdrMsg+"the region 'eu-west-1' is wrong; expecting 'us-east-1'")
	if _, err := e.S3Control.GetAccessPoint(context.Background(), &s3control.GetAccessPointInput{AccountId: aws.String(Account), Name: aws.String("sign-scope")}); err != nil {
		t.Fatalf("S3 Control in %s: %v", Region, err)
	}
}

func TestSignFSxWrongScope(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	_, err := e.FSx.CreateFileSystem(ctx, signFSInput(), func(o *fsx.Options) { o.Region = "ap-south-1" })
	wantAPIError(t, "SDK region ap-south-1", err, 400, "InvalidSignatureException", "Credential should be scoped to a valid region, not 'ap-south-1'. ")
	for _, tc := range []struct {
		name, region, service, msg string
	}{
		{"region", "eu-west-1", "fsx", "Credential should be scoped to a valid region, not 'eu-west-1'. "},
		{"ec2", Region, "ec2", "Credential should be scoped to correct service: 'fsx'. "},
		{"s3", Region, "s3", "Credential should be scoped to correct service: 'fsx'. "},
	} {
		body := []byte("{}")
		mk := func() *http.Request {
			req, _ := http.NewRequest("POST", e.URL+"/", bytes.NewReader(body))
			req.Header.Set("X-Amz-Target", "AWSSimbaAPIService_v20180301.DescribeFileSystems")
			req.Header.Set("Content-Type", "application/x-amz-json-1.1")
			return req
		}
		req := mk()
		signRaw(t, e, req, body, tc.service, tc.region)
		wantJSONError(t, tc.name+"/header", do(t, req), 400, "InvalidSignatureException", tc.msg)
		pre := presignRaw(t, e, mk(), tc.service, tc.region)
		wantJSONError(t, tc.name+"/presigned", do(t, pre), 400, "InvalidSignatureException", tc.msg)
	}
	fss, err := e.FSx.DescribeFileSystems(ctx, &fsx.DescribeFileSystemsInput{})
	if err != nil || len(fss.FileSystems) != 0 {
		t.Fatalf("DescribeFileSystems: %v", err)
	}
}

func wantJSONError(t *testing.T, what string, r rawResponse, status int, code, msg string) {
	t.Helper()
	if r.status != status || !strings.Contains(r.body, `"__type":"`+code+`"`) || !strings.Contains(r.body, `"Message":"`+msg+`"`) {
		t.Fatalf("%s: got %d %s, want %d %s %q", what, r.status, r.body, status, code, msg)
	}
}

func TestSignIAMWrongScope(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	_, err := e.IAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("eve")}, func(o *iam.Options) { o.Region = "eu-west-1" })
	wantAPIError(t, "SDK region eu-west-1", err, 403, "SignatureDoesNotMatch", "Credential should be scoped to a valid region, not 'eu-west-1'. ")
	if _, err := e.IAM.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("eve")}); hardCode(err) != "NoSuchEntity" {
		t.Fatalf("the user was created: %v", err)
	}
	for _, tc := range []struct {
		name, region, service, msg string
	}{
		{"region", "ap-south-1", "iam", "Credential should be scoped to a valid region, not 'ap-south-1'. "},
		{"sts scope for an IAM action", Region, "sts", "Credential should be scoped to correct service: 'iam'. "},
	} {
		form := "Action=ListUsers&Version=2010-05-08"
		req, _ := http.NewRequest("POST", e.URL+"/", strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		signRaw(t, e, req, []byte(form), tc.service, tc.region)
		wantXMLError(t, tc.name+"/header", do(t, req), 403, "SignatureDoesNotMatch", tc.msg)
		req, _ = http.NewRequest("GET", e.URL+"/?"+form, nil)
		wantXMLError(t, tc.name+"/presigned", do(t, presignRaw(t, e, req, tc.service, tc.region)), 403, "SignatureDoesNotMatch", tc.msg)
	}
	// GetCallerIdentity is STS's: an IAM-scoped call is refused.
	form := "Action=GetCallerIdentity&Version=2011-06-15"
	req, _ := http.NewRequest("POST", e.URL+"/", strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	signRaw(t, e, req, []byte(form), "iam", Region)
	wantXMLError(t, "iam scope for an STS action", do(t, req), 403, "SignatureDoesNotMatch", "Credential should be scoped to correct service: 'sts'. ")
}

// TestSignS3ContentSHA256Header: S3 requires x-amz-content-sha256 on a
// request signed in its header (curl's --aws-sigv4 leaves it out) and
// refuses a value it does not know, with S3's codes.
func TestSignS3ContentSHA256Header(t *testing.T) {
	e := Start(t)
	alias := s3AccessPoint(t, e, "sign-sha")
	creds, _ := e.Creds().Retrieve(context.Background())
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	for _, tc := range []struct {
		name, value, code, msg string
	}{
		{"missing", "", "InvalidRequest", "Missing required header for this request: x-amz-content-sha256"},
		{"not a hash", "abc", "InvalidArgument", "x-amz-content-sha256 must be UNSIGNED-PAYLOAD,"},
	} {
		req, _ := http.NewRequest("GET", e.URL+"/"+alias+"?list-type=2", nil)
		payload := tc.value
		if tc.value != "" {
			req.Header.Set("X-Amz-Content-Sha256", tc.value)
		} else {
			payload = "UNSIGNED-PAYLOAD" // signed as such, header not sent
		}
		if err := signer.SignHTTP(context.Background(), creds, req, payload, "s3", Region, time.Now()); err != nil {
			t.Fatal(err)
		}
		r := do(t, req)
		if r.status != 400 || xmlCode(r.body) != tc.code || !strings.Contains(r.body, tc.msg) {
			t.Errorf("%s: %d %s", tc.name, r.status, r.body)
		}
	}
}

// TestPresignExpiresWords: a presigned URL whose X-Amz-Expires S3 would
// refuse gets S3's AuthorizationQueryParametersError and its words.
func TestPresignExpiresWords(t *testing.T) {
	e := Start(t)
	alias := s3AccessPoint(t, e, "sign-expires")
	for value, msg := range map[string]string{
		"604801": "X-Amz-Expires must be less than a week (in seconds) that is 604800",
		"-5":     "X-Amz-Expires must be non-negative",
		"soon":   "X-Amz-Expires should be a number",
	} {
		req, _ := http.NewRequest("GET", e.URL+"/"+alias+"/k", nil)
		signed := presignRaw(t, e, req, "s3", Region)
		q := signed.URL.Query()
		q.Set("X-Amz-Expires", value) // after signing: the value is refused before the signature is checked
		signed.URL.RawQuery = q.Encode()
		wantXMLError(t, "X-Amz-Expires="+value, do(t, signed), 400, "AuthorizationQueryParametersError", msg)
	}
}
