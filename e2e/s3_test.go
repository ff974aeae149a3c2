package e2e

//lint:file-ignore SA1019 feature/s3/manager is what users of aws-sdk-go-v2 still run; the transfer manager test is about them

// The S3 data plane end to end: the aws-sdk-go-v2 s3 client (and plain
// net/http for presigned URLs) against a running fsxd, through an OpenZFS
// access point, addressed path-style, virtual-hosted and by ARN.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/fsxd/fsxd/server"
)

// s3AccessPoint makes an OpenZFS volume with an AVAILABLE access point
// whose identity is root, and returns its alias.
func s3AccessPoint(t *testing.T, e *Env, name string) string {
	t.Helper()
	_, root := apOpenZFSFileSystem(t, e, "SINGLE_AZ_HA_2")
	vol := apChildVolume(t, e, root, "data")
	out, err := e.FSx.CreateAndAttachS3AccessPoint(context.Background(), apPosix(name, vol, 0))
	if err != nil {
		t.Fatal(err)
	}
	apWaitState(t, e, name, "AVAILABLE")
	return aws.ToString(out.S3AccessPointAttachment.S3AccessPoint.Alias)
}

// s3Dialing is an S3 client whose connections all go to e, whatever host
// the SDK builds ("<alias>.s3.fsxd.test", "<name>-<account>.127.0.0.1").
func s3Dialing(e *Env, opts ...func(*s3.Options)) *s3.Client {
	d := &net.Dialer{}
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return d.DialContext(ctx, network, e.Addr)
	}}}
	return e.S3Client(append([]func(*s3.Options){func(o *s3.Options) { o.HTTPClient = hc }}, opts...)...)
}

func TestS3Addressing(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	alias := s3AccessPoint(t, e, "addr-ap")
	if _, err := e.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(alias), Key: aws.String("hello.txt"), Body: strings.NewReader("hi")}); err != nil {
		t.Fatal(err)
	}
	port := e.Addr[strings.LastIndexByte(e.Addr, ':'):]
	arn := "arn:aws:s3:" + Region + ":" + Account + ":accesspoint/addr-ap"
	for _, c := range []struct {
		name, bucket string
		client       *s3.Client
	}{
		{"path-style", alias, e.S3},
		{"virtual-hosted", alias, s3Dialing(e, func(o *s3.Options) { o.BaseEndpoint = aws.String("http://s3.fsxd.test" + port) })},
		{"ARN", arn, s3Dialing(e)},
	} {
		t.Run(c.name, func(t *testing.T) {
			g, err := c.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(c.bucket), Key: aws.String("hello.txt")})
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(g.Body)
			g.Body.Close()
			if string(b) != "hi" || g.StorageClass != types.StorageClassFsxOpenzfs || g.ServerSideEncryption != types.ServerSideEncryptionAwsFsx {
				t.Fatalf("%q %q %q", b, g.StorageClass, g.ServerSideEncryption)
			}
			if _, err := c.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(c.bucket)}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestS3ChecksumsAndPresign(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	alias := s3AccessPoint(t, e, "sum-ap")
	body := strings.Repeat("checksum ", 50000)
	for _, alg := range []types.ChecksumAlgorithm{"", types.ChecksumAlgorithmCrc32, types.ChecksumAlgorithmCrc32c,
		types.ChecksumAlgorithmCrc64nvme, types.ChecksumAlgorithmSha1, types.ChecksumAlgorithmSha256} {
		key := "sums/" + strings.ToLower(string(alg)) + "x"
		if _, err := e.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(alias), Key: aws.String(key),
			Body: strings.NewReader(body), ChecksumAlgorithm: alg}); err != nil {
			t.Fatalf("%s: %v", alg, err)
		}
		g, err := e.S3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(alias), Key: aws.String(key), ChecksumMode: types.ChecksumModeEnabled})
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(g.Body)
		g.Body.Close()
		if err != nil || string(b) != body {
			t.Fatalf("%s: %v", alg, err)
		}
	}
	ps := s3.NewPresignClient(e.S3)
	put, err := ps.PresignPutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(alias), Key: aws.String("presigned")})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("PUT", put.URL, strings.NewReader("via presigned PUT"))
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("presigned PUT: %v %v", err, res)
	}
	res.Body.Close()
	get, err := ps.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(alias), Key: aws.String("presigned")})
	if err != nil {
		t.Fatal(err)
	}
	res, err = http.Get(get.URL)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || string(b) != "via presigned PUT" {
		t.Fatalf("presigned GET: %d %q", res.StatusCode, b)
	}
}

func TestS3MultipartAndListing(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	alias := s3AccessPoint(t, e, "mp-ap")
	data := bytes.Repeat([]byte("fsxd multipart "), (11<<20)/15)
	up := manager.NewUploader(e.S3, func(u *manager.Uploader) { u.PartSize = 5 << 20 })
	if _, err := up.Upload(ctx, &s3.PutObjectInput{Bucket: aws.String(alias), Key: aws.String("big/blob"), Body: bytes.NewReader(data)}); err != nil {
		t.Fatal(err)
	}
	buf := manager.NewWriteAtBuffer(nil)
	if _, err := manager.NewDownloader(e.S3).Download(ctx, buf, &s3.GetObjectInput{Bucket: aws.String(alias), Key: aws.String("big/blob")}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), data) {
		t.Fatal("multipart object differs")
	}
	for i := range 9 {
		if _, err := e.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(alias), Key: aws.String(fmt.Sprintf("list/%02d", i)), Body: strings.NewReader("x")}); err != nil {
			t.Fatal(err)
		}
	}
	var keys []string
	pg := s3.NewListObjectsV2Paginator(e.S3, &s3.ListObjectsV2Input{Bucket: aws.String(alias), Prefix: aws.String("list/"), MaxKeys: aws.Int32(4)})
	for pg.HasMorePages() {
		out, err := pg.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range out.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	if len(keys) != 9 || keys[0] != "list/00" || keys[8] != "list/08" {
		t.Fatalf("paginated keys %q", keys)
	}
}

func TestS3ObjectOperations(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	alias := s3AccessPoint(t, e, "ops-ap")
	b := aws.String(alias)
	put, err := e.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("doc.txt"), Body: strings.NewReader("document"),
		ContentType: aws.String("text/plain"), Metadata: map[string]string{"owner": "me"}, Tagging: aws.String("team=storage")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.S3.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String("copy.txt"), CopySource: aws.String(alias + "/doc.txt")}); err != nil {
		t.Fatal(err)
	}
	h, err := e.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("copy.txt")})
	if err != nil || aws.ToString(h.ETag) != aws.ToString(put.ETag) || h.Metadata["owner"] != "me" || aws.ToString(h.ContentType) != "text/plain" {
		t.Fatalf("copy: %v %+v", err, h)
	}
	tags, err := e.S3.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: b, Key: aws.String("copy.txt")})
	if err != nil || len(tags.TagSet) != 1 || aws.ToString(tags.TagSet[0].Value) != "storage" {
		t.Fatalf("tags: %v %+v", err, tags)
	}
	_, err = e.S3.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String("doc.txt"), IfNoneMatch: put.ETag})
	if apCode(err) != "NotModified" {
		t.Errorf("If-None-Match: %v", err)
	}
	_, err = e.S3.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String("doc.txt"), IfMatch: aws.String(`"nope"`)})
	if apCode(err) != "PreconditionFailed" {
		t.Errorf("If-Match: %v", err)
	}
	g, err := e.S3.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String("doc.txt"), Range: aws.String("bytes=-4")})
	if err != nil {
		t.Fatal(err)
	}
	rb, _ := io.ReadAll(g.Body)
	g.Body.Close()
	if string(rb) != "ment" || aws.ToString(g.ContentRange) != "bytes 4-7/8" {
		t.Errorf("range: %q %q", rb, aws.ToString(g.ContentRange))
	}
	_, err = e.S3.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String("missing")})
	var nsk *types.NoSuchKey
	if !errors.As(err, &nsk) {
		t.Errorf("missing key: %v", err)
	}
	_, err = e.S3.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: b, Key: aws.String("doc.txt"), ACL: types.ObjectCannedACLPublicRead})
	if apCode(err) != "NotImplemented" {
		t.Errorf("PutObjectAcl: %v", err)
	}
	_, err = e.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("doc.txt"), Body: strings.NewReader("x"), IfNoneMatch: aws.String("*")})
	if apCode(err) != "NotImplemented" {
		t.Errorf("conditional write without --s3-extensions: %v", err)
	}
	// A conditional delete is refused, never done unconditionally.
	_, err = e.S3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: aws.String("doc.txt"), IfMatch: aws.String(`"nope"`)})
	if apCode(err) != "NotImplemented" {
		t.Errorf("conditional delete without --s3-extensions: %v", err)
	}
	del, err := e.S3.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: b, Delete: &types.Delete{
		Objects: []types.ObjectIdentifier{{Key: aws.String("doc.txt")}, {Key: aws.String("copy.txt")}}}})
	if err != nil || len(del.Deleted) != 2 {
		t.Fatalf("DeleteObjects: %v %+v", err, del)
	}
	if _, err := e.S3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: aws.String("doc.txt")}); err != nil {
		t.Errorf("deleting a missing key: %v", err)
	}
	_, err = e.S3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("nope-0000000000-ext-s3alias"), Key: aws.String("k")})
	if apCode(err) != "NoSuchBucket" {
		t.Errorf("unknown alias: %v", err)
	}
	req, _ := http.NewRequest("GET", e.URL+"/nope-0000000000-ext-s3alias/k", nil)
	signRaw(t, e, req, nil, "s3", Region)
	if r := do(t, req); r.status != 404 || !strings.Contains(r.body, "<BucketName>nope-0000000000-ext-s3alias</BucketName>") {
		t.Errorf("NoSuchBucket names the bucket: %d %s", r.status, r.body)
	}
}

// TestS3ConditionalDeleteExtensions: with --s3-extensions the SDK's
// conditional deletes delete only what matches, one object at a time in
// DeleteObjects.
func TestS3ConditionalDeleteExtensions(t *testing.T) {
	e := Start(t, func(c *server.Config) { c.S3Extensions = true })
	ctx := context.Background()
	b := aws.String(s3AccessPoint(t, e, "conddel-ap"))
	etags := map[string]*string{}
	for _, k := range []string{"a", "b", "c"} {
		out, err := e.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String(k), Body: strings.NewReader(k + k)})
		if err != nil {
			t.Fatal(err)
		}
		etags[k] = out.ETag
	}
	_, err := e.S3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: aws.String("a"), IfMatch: etags["b"]})
	if apCode(err) != "PreconditionFailed" {
		t.Errorf("DeleteObject with another ETag: %v", err)
	}
	if _, err := e.S3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: aws.String("a"), IfMatch: etags["a"], IfMatchSize: aws.Int64(2)}); err != nil {
		t.Errorf("DeleteObject with its ETag and size: %v", err)
	}
	out, err := e.S3.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: b, Delete: &types.Delete{Objects: []types.ObjectIdentifier{
		{Key: aws.String("b"), ETag: etags["c"]}, {Key: aws.String("c"), ETag: etags["c"]}}}})
	if err != nil || len(out.Errors) != 1 || aws.ToString(out.Errors[0].Code) != "PreconditionFailed" || len(out.Deleted) != 1 || aws.ToString(out.Deleted[0].Key) != "c" {
		t.Fatalf("DeleteObjects with ETags: %v %+v", err, out)
	}
	list, err := e.S3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: b})
	if err != nil || len(list.Contents) != 1 || aws.ToString(list.Contents[0].Key) != "b" {
		t.Errorf("left: %v %+v", err, list)
	}
}
