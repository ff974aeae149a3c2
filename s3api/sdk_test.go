package s3api

//lint:file-ignore SA1019 feature/s3/manager is what users of aws-sdk-go-v2 still run; the handler must serve it

// Interoperability with the AWS SDK for Go v2, signing for real (auth +
// sigv4) against the Handler over TLS, so the SDK sends what it sends to
// AWS: aws-chunked bodies with trailing checksums, presigned URLs, its
// multipart manager. The full server is exercised by e2e/s3_test.go.

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/fsxd/fsxd/auth"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/identity"
)

const (
	sdkKey    = "AKIAFSXDS3APITEST001"
	sdkSecret = "s3api-test-secret-key-000000000000000000"
)

// sdkEnv is env behind a TLS server with real SigV4.
func sdkEnv(t *testing.T) (*env, *httptest.Server) {
	a := &auth.Authenticator{Now: time.Now, Lookup: func(_ context.Context, id string) (identity.Credential, error) {
		if id != sdkKey {
			return identity.Credential{}, auth.ErrUnknownKey
		}
		return identity.Credential{Secret: sdkSecret, Active: true, Principal: auth.Principal{AccountID: testAccount,
			ARN: "arn:aws:iam::" + testAccount + ":root", IsRoot: true}}, nil
	}}
	e := newEnv(t, func(c *Config) {
		c.Authenticate = func(r *http.Request) (*auth.Principal, error) {
			p, _, err := a.Authenticate(r, auth.S3)
			return p, err
		}
	})
	ts := httptest.NewTLSServer(e.srv.Config.Handler)
	t.Cleanup(ts.Close)
	return e, ts
}

// sdkClient reaches ts whatever host the SDK builds (virtual-hosted and
// ARN hosts do not resolve).
func sdkClient(ts *httptest.Server, opts ...func(*s3.Options)) *s3.Client {
	addr := ts.Listener.Addr().String()
	d := &net.Dialer{}
	tr := ts.Client().Transport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true}
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return d.DialContext(ctx, network, addr)
	}
	base := func(o *s3.Options) {
		o.BaseEndpoint = aws.String(ts.URL)
		o.Region = "us-west-2"
		o.Credentials = credentials.NewStaticCredentialsProvider(sdkKey, sdkSecret, "")
		o.UsePathStyle = true
		o.HTTPClient = &http.Client{Transport: tr}
		o.RetryMaxAttempts = 1
	}
	return s3.New(s3.Options{}, append([]func(*s3.Options){base}, opts...)...)
}

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	if err != nil {
		return "non-API error: " + err.Error()
	}
	return ""
}

func TestSDKChecksums(t *testing.T) {
	_, ts := sdkEnv(t)
	c := sdkClient(ts)
	ctx := context.Background()
	body := strings.Repeat("fsxd ", 100000)
	algs := []types.ChecksumAlgorithm{"", types.ChecksumAlgorithmCrc32, types.ChecksumAlgorithmCrc32c,
		types.ChecksumAlgorithmCrc64nvme, types.ChecksumAlgorithmSha1, types.ChecksumAlgorithmSha256}
	for _, alg := range algs {
		t.Run("alg "+string(alg), func(t *testing.T) {
			key := "sum/default" + string(alg)
			out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(testAlias), Key: aws.String(key),
				Body: strings.NewReader(body), ChecksumAlgorithm: alg})
			if err != nil {
				t.Fatal(err)
			}
			if out.ServerSideEncryption != types.ServerSideEncryptionAwsFsx {
				t.Errorf("SSE %q", out.ServerSideEncryption)
			}
			g, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(testAlias), Key: aws.String(key), ChecksumMode: types.ChecksumModeEnabled})
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(g.Body) // the SDK validates the checksum at EOF
			g.Body.Close()
			if err != nil || string(got) != body || g.StorageClass != types.StorageClassFsxOpenzfs {
				t.Fatalf("GET: %v, %d bytes, class %q", err, len(got), g.StorageClass)
			}
		})
	}
}

func TestSDKAddressing(t *testing.T) {
	e, ts := sdkEnv(t)
	e.putFile("hello", "world")
	arn := "arn:aws:s3:us-west-2:" + testAccount + ":accesspoint/" + testName
	port := ts.URL[strings.LastIndexByte(ts.URL, ':'):]
	for _, c := range []struct {
		name, bucket string
		opts         func(*s3.Options)
	}{
		{"path-style alias", testAlias, func(*s3.Options) {}},
		{"virtual-hosted alias", testAlias, func(o *s3.Options) {
			o.UsePathStyle, o.BaseEndpoint = false, aws.String("https://s3.test"+port)
		}},
		{"access point ARN", arn, func(o *s3.Options) { o.UsePathStyle = false }},
	} {
		t.Run(c.name, func(t *testing.T) {
			cl := sdkClient(ts, c.opts)
			g, err := cl.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(c.bucket), Key: aws.String("hello")})
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(g.Body)
			if string(b) != "world" {
				t.Fatalf("%q", b)
			}
			l, err := cl.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(c.bucket)})
			if err != nil || len(l.Contents) != 1 {
				t.Fatalf("list: %v %+v", err, l)
			}
		})
	}
}

func TestSDKMultipartManager(t *testing.T) {
	_, ts := sdkEnv(t)
	c := sdkClient(ts)
	ctx := context.Background()
	data := bytes.Repeat([]byte("0123456789abcdef"), (12<<20)/16+7)
	up := manager.NewUploader(c, func(u *manager.Uploader) { u.PartSize = 5 << 20; u.Concurrency = 2 })
	out, err := up.Upload(ctx, &s3.PutObjectInput{Bucket: aws.String(testAlias), Key: aws.String("mp/big"), Body: bytes.NewReader(data)})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(aws.ToString(out.ETag), `-3"`) {
		t.Errorf("ETag %s", aws.ToString(out.ETag))
	}
	buf := manager.NewWriteAtBuffer(nil)
	down := manager.NewDownloader(c, func(d *manager.Downloader) { d.PartSize = 4 << 20 })
	if _, err := down.Download(ctx, buf, &s3.GetObjectInput{Bucket: aws.String(testAlias), Key: aws.String("mp/big")}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), data) {
		t.Fatal("downloaded bytes differ")
	}
	attrs, err := c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: aws.String(testAlias), Key: aws.String("mp/big"),
		ObjectAttributes: []types.ObjectAttributes{types.ObjectAttributesObjectParts, types.ObjectAttributesObjectSize, types.ObjectAttributesChecksum}})
	if err != nil || aws.ToInt32(attrs.ObjectParts.TotalPartsCount) != 3 || aws.ToInt64(attrs.ObjectSize) != int64(len(data)) {
		t.Fatalf("attributes: %v %+v", err, attrs)
	}
}

func TestSDKPresigned(t *testing.T) {
	_, ts := sdkEnv(t)
	c := sdkClient(ts)
	ps := s3.NewPresignClient(c)
	ctx := context.Background()
	put, err := ps.PresignPutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(testAlias), Key: aws.String("pre/signed")})
	if err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	req, _ := http.NewRequest("PUT", put.URL, strings.NewReader("presigned body"))
	res, err := hc.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("presigned PUT: %v %v", res, err)
	}
	res.Body.Close()
	get, err := ps.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(testAlias), Key: aws.String("pre/signed")})
	if err != nil {
		t.Fatal(err)
	}
	res, err = hc.Get(get.URL)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || string(b) != "presigned body" {
		t.Fatalf("presigned GET: %d %q", res.StatusCode, b)
	}
	i := strings.Index(get.URL, "X-Amz-Signature=") + len("X-Amz-Signature=")
	flip := map[byte]string{'0': "1"}[get.URL[i]]
	if flip == "" {
		flip = "0"
	}
	res, _ = hc.Get(get.URL[:i] + flip + get.URL[i+1:])
	res.Body.Close()
	if res.StatusCode != 403 {
		t.Errorf("tampered presigned URL: %d", res.StatusCode)
	}
}

func TestSDKPaginationAndErrors(t *testing.T) {
	e, ts := sdkEnv(t)
	c := sdkClient(ts)
	ctx := context.Background()
	for i := range 7 {
		e.putFile(fmt.Sprintf("p/%d", i), "x")
	}
	pg := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String(testAlias), MaxKeys: aws.Int32(2)})
	n, pages := 0, 0
	var err error
	for pg.HasMorePages() {
		out, err := pg.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n, pages = n+len(out.Contents), pages+1
	}
	if n != 7 || pages != 4 {
		t.Errorf("%d keys in %d pages", n, pages)
	}
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(testAlias), Key: aws.String("missing")})
	var nsk *types.NoSuchKey
	if !errors.As(err, &nsk) {
		t.Errorf("GetObject missing: %v", err)
	}
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(testAlias), Key: aws.String("missing")})
	var nf *types.NotFound
	if !errors.As(err, &nf) {
		t.Errorf("HeadObject missing: %v", err)
	}
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("nope-abc-ext-s3alias"), Key: aws.String("k")})
	if apiCode(err) != "NoSuchBucket" {
		t.Errorf("unknown alias: %v", err)
	}
	_, err = c.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: aws.String(testAlias), Key: aws.String("p/1")})
	if apiCode(err) != awserr.NotImplemented.Name {
		t.Errorf("GetObjectAcl: %v", err)
	}
	h, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(testAlias), Key: aws.String("p/1")})
	if err != nil {
		t.Fatal(err)
	}
	etag := aws.ToString(h.ETag)
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(testAlias), Key: aws.String("p/1"), IfNoneMatch: aws.String(etag)})
	if apiCode(err) != "NotModified" {
		t.Errorf("If-None-Match: %v", err)
	}
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String(testAlias), Key: aws.String("p/copy"), CopySource: aws.String(testAlias + "/p/1")})
	if err != nil {
		t.Errorf("CopyObject: %v", err)
	}
	_, err = c.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: aws.String(testAlias), Key: aws.String("p/copy"),
		Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}})
	if err != nil {
		t.Errorf("PutObjectTagging: %v", err)
	}
	del, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(testAlias), Delete: &types.Delete{
		Objects: []types.ObjectIdentifier{{Key: aws.String("p/0")}, {Key: aws.String("p/1")}}}})
	if err != nil || len(del.Deleted) != 2 {
		t.Errorf("DeleteObjects: %v %+v", err, del)
	}
	if _, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(testAlias)}); err != nil {
		t.Errorf("HeadBucket: %v", err)
	}
	loc, err := c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(testAlias)})
	if err != nil || loc.LocationConstraint != "us-west-2" {
		t.Errorf("GetBucketLocation: %v %+v", err, loc)
	}
}
