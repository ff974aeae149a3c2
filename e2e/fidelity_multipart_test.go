package e2e

// S3 fidelity of multipart uploads for current SDKs: a retried
// CompleteMultipartUpload, checksum types, part checksums in
// GetObjectAttributes and partNumber reads, and the errors AWS gives.

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// fidUpload creates an upload of key with alg and typ ("" for S3's
// default), uploads parts of the given sizes, and returns the upload id
// and the completed part list as UploadPart answered it.
func fidUpload(t *testing.T, c *s3.Client, alias, key string, alg types.ChecksumAlgorithm, typ types.ChecksumType, sizes ...int) (string, []types.CompletedPart) {
	t.Helper()
	ctx := context.Background()
	cr, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(alias), Key: aws.String(key),
		ChecksumAlgorithm: alg, ChecksumType: typ})
	if err != nil {
		t.Fatalf("CreateMultipartUpload %s/%s: %v", alg, typ, err)
	}
	var parts []types.CompletedPart
	for i, n := range sizes {
		num := aws.Int32(int32(i + 1))
		up, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(alias), Key: aws.String(key), UploadId: cr.UploadId,
			PartNumber: num, Body: bytes.NewReader(bytes.Repeat([]byte{byte('a' + i)}, n)), ChecksumAlgorithm: alg})
		if err != nil {
			t.Fatalf("UploadPart %d: %v", i+1, err)
		}
		parts = append(parts, types.CompletedPart{PartNumber: num, ETag: up.ETag, ChecksumCRC32: up.ChecksumCRC32,
			ChecksumCRC32C: up.ChecksumCRC32C, ChecksumCRC64NVME: up.ChecksumCRC64NVME, ChecksumSHA1: up.ChecksumSHA1, ChecksumSHA256: up.ChecksumSHA256})
	}
	return aws.ToString(cr.UploadId), parts
}

func fidComplete(c *s3.Client, alias, key, id string, parts []types.CompletedPart) (*s3.CompleteMultipartUploadOutput, error) {
	return c.CompleteMultipartUpload(context.Background(), &s3.CompleteMultipartUploadInput{Bucket: aws.String(alias),
		Key: aws.String(key), UploadId: aws.String(id), MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
}

// fidStatus is the HTTP status and code of an SDK error.
func fidStatus(err error) (int, string) {
	var re *smithyhttp.ResponseError
	var ae smithy.APIError
	status := 0
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	if errors.As(err, &ae) {
		return status, ae.ErrorCode()
	}
	return status, ""
}

func TestS3CompleteMultipartRetry(t *testing.T) {
	e := Start(t)
	alias := s3AccessPoint(t, e, "retry-ap")
	c := hardClient(e)
	id, parts := fidUpload(t, c, alias, "retried", types.ChecksumAlgorithmCrc32, "", 5<<20, 10)
	first, err := fidComplete(c, alias, "retried", id, parts)
	if err != nil {
		t.Fatal(err)
	}
	// The SDK's retry after a lost answer: same upload, same parts.
	again, err := fidComplete(c, alias, "retried", id, parts)
	if err != nil {
		t.Fatalf("repeated CompleteMultipartUpload: %v", err)
	}
	if aws.ToString(again.ETag) != aws.ToString(first.ETag) || aws.ToString(again.Location) != aws.ToString(first.Location) ||
		aws.ToString(again.ChecksumCRC32) != aws.ToString(first.ChecksumCRC32) || again.ChecksumType != first.ChecksumType ||
		aws.ToString(first.ChecksumCRC32) == "" {
		t.Fatalf("repeat answered %+v, first %+v", again, first)
	}
	// Another part list is not a repeat; an unknown id never was.
	if _, err := fidComplete(c, alias, "retried", id, parts[:1]); hardCode(err) != "NoSuchUpload" {
		t.Errorf("different part list: %v", err)
	}
	if _, err := fidComplete(c, alias, "other-key", id, parts); hardCode(err) != "NoSuchUpload" {
		t.Errorf("other key: %v", err)
	}
	// An empty part list is malformed, with or without the element.
	id2, _ := fidUpload(t, c, alias, "empty", "", "")
	for _, mu := range []*types.CompletedMultipartUpload{{}, nil} {
		_, err := c.CompleteMultipartUpload(context.Background(), &s3.CompleteMultipartUploadInput{Bucket: aws.String(alias),
			Key: aws.String("empty"), UploadId: aws.String(id2), MultipartUpload: mu})
		if st, code := fidStatus(err); st != http.StatusBadRequest || code != "MalformedXML" {
			t.Errorf("empty part list (%v): %d %s (%v)", mu, st, code, err)
		}
	}
}

// bodyTap keeps a copy of the last response body the SDK read through it.
type bodyTap struct {
	rt   http.RoundTripper
	last string
}

func (b *bodyTap) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := b.rt.RoundTrip(r)
	if err != nil {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	b.last, resp.Body = string(body), io.NopCloser(bytes.NewReader(body))
	return resp, err
}

// TestS3NoSuchUploadNamesUpload: each operation on an unknown or aborted
// upload id is the SDK's NoSuchUpload, and the error XML names the id.
func TestS3NoSuchUploadNamesUpload(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	alias := s3AccessPoint(t, e, "nsu-ap")
	tap := &bodyTap{rt: sdkHTTPClient().Transport}
	c := e.S3Client(func(o *s3.Options) {
		o.UsePathStyle, o.HTTPClient = true, &http.Client{Timeout: hardDeadline, Transport: tap}
	})
	b, k := aws.String(alias), aws.String("k")
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("src"), Body: strings.NewReader("data")}); err != nil {
		t.Fatal(err)
	}
	aborted, _ := fidUpload(t, c, alias, "k", "", "")
	if _, err := c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: b, Key: k, UploadId: aws.String(aborted)}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"nope", aborted} {
		u, one := aws.String(id), aws.Int32(1)
		for op, call := range map[string]func() error{
			"UploadPart": func() error {
				_, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: b, Key: k, UploadId: u, PartNumber: one, Body: strings.NewReader("x")})
				return err
			},
			"UploadPartCopy": func() error {
				_, err := c.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: b, Key: k, UploadId: u, PartNumber: one, CopySource: aws.String(alias + "/src")})
				return err
			},
			"CompleteMultipartUpload": func() error {
				_, err := fidComplete(c, alias, "k", id, []types.CompletedPart{{PartNumber: one, ETag: aws.String(`"8d777f385d3dfec8815d20f7496026dc"`)}})
				return err
			},
			"AbortMultipartUpload": func() error {
				_, err := c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: b, Key: k, UploadId: u})
				return err
			},
			"ListParts": func() error {
				_, err := c.ListParts(ctx, &s3.ListPartsInput{Bucket: b, Key: k, UploadId: u})
				return err
			},
		} {
			// The model types NoSuchUpload for AbortMultipartUpload only.
			err := call()
			var nsu *types.NoSuchUpload
			typed := op != "AbortMultipartUpload" || errors.As(err, &nsu)
			if hardCode(err) != "NoSuchUpload" || !typed || xmlElem(tap.last, "UploadId") != id {
				t.Errorf("%s of %s: %v\n%s", op, id, err, tap.last)
			}
		}
	}
}

func TestS3ChecksumTypes(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	alias := s3AccessPoint(t, e, "ctype-ap")
	c := hardClient(e)
	// AWS's rules: FULL_OBJECT only for CRCs, COMPOSITE not for CRC64NVME.
	for _, bad := range []struct {
		alg types.ChecksumAlgorithm
		typ types.ChecksumType
	}{{types.ChecksumAlgorithmSha256, types.ChecksumTypeFullObject}, {types.ChecksumAlgorithmSha1, types.ChecksumTypeFullObject},
		{types.ChecksumAlgorithmCrc64nvme, types.ChecksumTypeComposite}} {
		_, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(alias), Key: aws.String("bad"),
			ChecksumAlgorithm: bad.alg, ChecksumType: bad.typ})
		if st, code := fidStatus(err); st != 400 || code != "InvalidRequest" {
			t.Errorf("%s/%s: %d %s", bad.alg, bad.typ, st, code)
		}
	}
	for _, tc := range []struct {
		alg       types.ChecksumAlgorithm
		typ, want types.ChecksumType
	}{
		{types.ChecksumAlgorithmCrc32, types.ChecksumTypeFullObject, types.ChecksumTypeFullObject},
		{types.ChecksumAlgorithmCrc32c, "", types.ChecksumTypeComposite},
		{types.ChecksumAlgorithmSha256, types.ChecksumTypeComposite, types.ChecksumTypeComposite},
		{types.ChecksumAlgorithmCrc64nvme, "", types.ChecksumTypeFullObject},
	} {
		key := "typed/" + string(tc.alg) + string(tc.typ)
		id, parts := fidUpload(t, c, alias, key, tc.alg, tc.typ, 5<<20, 7)
		done, err := fidComplete(c, alias, key, id, parts)
		if err != nil || done.ChecksumType != tc.want {
			t.Fatalf("%s: complete %v type %q", key, err, done.ChecksumType)
		}
		h, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(alias), Key: aws.String(key), ChecksumMode: types.ChecksumModeEnabled})
		if err != nil || h.ChecksumType != tc.want {
			t.Errorf("%s: HEAD %v type %q", key, err, h.ChecksumType)
		}
		// A part read reports that part's own checksum, typed as the object.
		g, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(alias), Key: aws.String(key), PartNumber: aws.Int32(2),
			ChecksumMode: types.ChecksumModeEnabled})
		if err != nil {
			t.Fatalf("%s: GET part 2: %v", key, err)
		}
		g.Body.Close()
		if g.ChecksumType != tc.want || partSum(g.ChecksumCRC32, g.ChecksumCRC32C, g.ChecksumCRC64NVME, g.ChecksumSHA256) != completedSum(parts[1]) {
			t.Errorf("%s: GET part 2 type %q sum %q, want %q", key, g.ChecksumType,
				partSum(g.ChecksumCRC32, g.ChecksumCRC32C, g.ChecksumCRC64NVME, g.ChecksumSHA256), completedSum(parts[1]))
		}
	}
	// Single-part objects are FULL_OBJECT.
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(alias), Key: aws.String("single"),
		Body: bytes.NewReader([]byte("one piece")), ChecksumAlgorithm: types.ChecksumAlgorithmSha256}); err != nil {
		t.Fatal(err)
	}
	h, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(alias), Key: aws.String("single"), ChecksumMode: types.ChecksumModeEnabled})
	if err != nil || h.ChecksumType != types.ChecksumTypeFullObject || aws.ToString(h.ChecksumSHA256) == "" {
		t.Errorf("single-part HEAD: %v %q", err, h.ChecksumType)
	}
}

func partSum(vs ...*string) string {
	for _, v := range vs {
		if aws.ToString(v) != "" {
			return *v
		}
	}
	return ""
}

func completedSum(p types.CompletedPart) string {
	return partSum(p.ChecksumCRC32, p.ChecksumCRC32C, p.ChecksumCRC64NVME, p.ChecksumSHA256)
}

func TestS3ObjectAttributesParts(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	alias := s3AccessPoint(t, e, "attr-ap")
	c := hardClient(e)
	id, parts := fidUpload(t, c, alias, "three", types.ChecksumAlgorithmCrc32c, "", 5<<20, 5<<20, 3)
	done, err := fidComplete(c, alias, "three", id, parts)
	if err != nil {
		t.Fatal(err)
	}
	in := &s3.GetObjectAttributesInput{Bucket: aws.String(alias), Key: aws.String("three"), MaxParts: aws.Int32(1),
		ObjectAttributes: []types.ObjectAttributes{types.ObjectAttributesChecksum, types.ObjectAttributesObjectParts}}
	var got []types.ObjectPart
	for range 4 {
		a, err := c.GetObjectAttributes(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if a.Checksum == nil || aws.ToString(a.Checksum.ChecksumCRC32C) != aws.ToString(done.ChecksumCRC32C) ||
			a.Checksum.ChecksumType != types.ChecksumTypeComposite {
			t.Fatalf("Checksum %+v, completed with %s", a.Checksum, aws.ToString(done.ChecksumCRC32C))
		}
		op := a.ObjectParts
		if op == nil || aws.ToInt32(op.TotalPartsCount) != 3 || len(op.Parts) != 1 {
			t.Fatalf("ObjectParts %+v", op)
		}
		got = append(got, op.Parts...)
		if !aws.ToBool(op.IsTruncated) {
			break
		}
		in.PartNumberMarker = op.NextPartNumberMarker
	}
	if len(got) != 3 {
		t.Fatalf("%d parts over the pages", len(got))
	}
	for i, p := range got {
		if aws.ToInt32(p.PartNumber) != int32(i+1) || aws.ToString(p.ChecksumCRC32C) != aws.ToString(parts[i].ChecksumCRC32C) || p.ChecksumCRC32C == nil {
			t.Errorf("part %d: %+v, uploaded with %s", i+1, p, aws.ToString(parts[i].ChecksumCRC32C))
		}
	}
}

func TestS3UploadPartCopyRange(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	alias := s3AccessPoint(t, e, "copyrange-ap")
	c := hardClient(e)
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(alias), Key: aws.String("src"),
		Body: bytes.NewReader(make([]byte, 100))}); err != nil {
		t.Fatal(err)
	}
	id, _ := fidUpload(t, c, alias, "dst", "", "")
	_, err := c.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: aws.String(alias), Key: aws.String("dst"), UploadId: aws.String(id),
		PartNumber: aws.Int32(1), CopySource: aws.String(alias + "/src"), CopySourceRange: aws.String("bytes=100-199")})
	if st, code := fidStatus(err); st != http.StatusRequestedRangeNotSatisfiable || code != "InvalidRange" {
		t.Errorf("range past the end: %d %s (%v)", st, code, err)
	}
	out, err := c.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: aws.String(alias), Key: aws.String("dst"), UploadId: aws.String(id),
		PartNumber: aws.Int32(1), CopySource: aws.String(alias + "/src"), CopySourceRange: aws.String("bytes=0-99")})
	if err != nil || out.CopyPartResult == nil {
		t.Errorf("whole source: %v", err)
	}
}
