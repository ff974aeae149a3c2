package e2e

// What common S3 tools send with their default settings, through the real
// SDK where it can send it and raw HTTP where it cannot: STANDARD storage
// class (s3cmd, duplicity), AES256 server-side encryption (s3fs copying an
// object onto itself), CreateBucket on an alias (rclone), SigV2 presigned
// URLs (boto3 and AWS CLI v1 in us-east-1) and HTML form uploads.

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

func TestClientDefaultsStorageClassAndSSE(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	alias := s3AccessPoint(t, e, "defaults-ap")
	put := func(class types.StorageClass, sse types.ServerSideEncryption) error {
		_, err := e.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(alias), Key: aws.String("k"),
			Body: strings.NewReader("data"), StorageClass: class, ServerSideEncryption: sse})
		return err
	}
	for _, c := range []struct {
		class types.StorageClass
		sse   types.ServerSideEncryption
		code  string
	}{
		{types.StorageClassStandard, "", ""},
		{types.StorageClassFsxOpenzfs, "", ""},
		{"", types.ServerSideEncryptionAes256, ""},
		{types.StorageClassStandard, types.ServerSideEncryptionAes256, ""},
		{types.StorageClassGlacier, "", "InvalidStorageClass"},
		{types.StorageClassDeepArchive, "", "InvalidStorageClass"},
		{types.StorageClassStandardIa, "", "InvalidStorageClass"},
		{"", types.ServerSideEncryptionAwsKms, "InvalidArgument"},
	} {
		if got := hardCode(put(c.class, c.sse)); got != c.code {
			t.Errorf("PUT class %q sse %q: %q, want %q", c.class, c.sse, got, c.code)
		}
	}
	h, err := e.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(alias), Key: aws.String("k")})
	if err != nil {
		t.Fatal(err)
	}
	if h.StorageClass != types.StorageClassFsxOpenzfs || h.ServerSideEncryption != types.ServerSideEncryptionAwsFsx {
		t.Errorf("HEAD reports class %q sse %q", h.StorageClass, h.ServerSideEncryption)
	}
	// s3fs's chmod/touch: copy onto itself, REPLACE, AES256 re-sent.
	_, err = e.S3.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String(alias), Key: aws.String("k"),
		CopySource: aws.String(alias + "/k"), MetadataDirective: types.MetadataDirectiveReplace,
		Metadata: map[string]string{"mode": "33188"}, ServerSideEncryption: types.ServerSideEncryptionAes256,
		StorageClass: types.StorageClassStandard})
	if err != nil {
		t.Fatalf("self-copy with AES256: %v", err)
	}
	h, err = e.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(alias), Key: aws.String("k")})
	if err != nil || h.Metadata["mode"] != "33188" || aws.ToInt64(h.ContentLength) != 4 {
		t.Fatalf("after self-copy: %v %v", err, h)
	}
	// Multipart (aws s3 cp --storage-class STANDARD --sse AES256 of a large file).
	_, err = e.S3.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(alias), Key: aws.String("mp"),
		StorageClass: types.StorageClassStandard, ServerSideEncryption: types.ServerSideEncryptionAes256})
	if err != nil {
		t.Fatalf("CreateMultipartUpload STANDARD/AES256: %v", err)
	}
}

func TestClientDefaultsCreateBucket(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	alias := s3AccessPoint(t, e, "mkbucket-ap")
	_, err := e.S3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(alias)})
	var owned *types.BucketAlreadyOwnedByYou
	if !errors.As(err, &owned) {
		t.Fatalf("CreateBucket on the alias: %v, want BucketAlreadyOwnedByYou", err)
	}
	var ae smithy.APIError
	_, err = e.S3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("my-new-bucket")})
	if !errors.As(err, &ae) || ae.ErrorCode() != "NotImplemented" || !strings.Contains(ae.ErrorMessage(), "CreateAndAttachS3AccessPoint") {
		t.Fatalf("CreateBucket of a new name: %v", err)
	}
	// A user who may not use the access point learns nothing more.
	nobody := azUser(t, e, "nobody", "")
	_, err = nobody.S3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(alias)})
	if hardCode(err) != "AccessDenied" {
		t.Fatalf("CreateBucket by a user without rights: %v", err)
	}
}

func TestClientDefaultsSigV2AndFormUpload(t *testing.T) {
	e := Start(t)
	alias := s3AccessPoint(t, e, "sigv2-ap")
	get := func(req *http.Request) rawResponse {
		t.Helper()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return rawResponse{status: resp.StatusCode, body: string(b)}
	}
	// What boto3's default presigner makes in us-east-1.
	req, _ := http.NewRequest("GET", e.URL+"/"+alias+"/k?AWSAccessKeyId="+e.Key+"&Signature=Zm9v%3D&Expires=4102444800", nil)
	r := get(req)
	if r.status != 400 || xmlCode(r.body) != "InvalidRequest" || !strings.Contains(r.body, "Signature Version 2") || !strings.Contains(r.body, "s3v4") {
		t.Errorf("SigV2 presigned URL: %d %s", r.status, r.body)
	}
	req, _ = http.NewRequest("GET", e.URL+"/"+alias+"/k", nil)
	req.Header.Set("Authorization", "AWS "+e.Key+":Zm9vYmFy")
	r = get(req)
	if r.status != 400 || xmlCode(r.body) != "InvalidRequest" || !strings.Contains(r.body, "Signature Version 2") {
		t.Errorf("SigV2 Authorization header: %d %s", r.status, r.body)
	}
	// An HTML form upload: no Authorization header, a policy in the body.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("key", "up.txt")
	_ = mw.WriteField("policy", "e30=")
	fw, _ := mw.CreateFormFile("file", "up.txt")
	_, _ = fw.Write([]byte("form data"))
	_ = mw.Close()
	req, _ = http.NewRequest("POST", e.URL+"/"+alias, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	r = get(req)
	if r.status != 501 || xmlCode(r.body) != "NotImplemented" || !strings.Contains(r.body, "POST Object") {
		t.Errorf("form upload: %d %s", r.status, r.body)
	}
	if _, err := e.S3.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(alias), Key: aws.String("up.txt")}); hardCode(err) != "NotFound" {
		t.Errorf("form upload stored something: %v", err)
	}
}
