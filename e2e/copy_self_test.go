package e2e

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// TestS3CopyOntoItself: `aws s3 cp s3://b/k s3://b/k --metadata-directive
// REPLACE` with a new checksum algorithm, through the SDK: the copy is a
// new object, so Last-Modified moves on in the answer, HEAD and the
// listing alike, the ETag of the same bytes stays, and HEAD with checksum
// mode shows the SHA-256 asked for instead of the old CRC32.
func TestS3CopyOntoItself(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	alias := s3AccessPoint(t, e, "selfcopy-ap")
	b, k := aws.String(alias), aws.String("touch.txt")
	put, err := e.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: k, Body: strings.NewReader("payload"),
		ContentType: aws.String("text/old"), ChecksumAlgorithm: s3types.ChecksumAlgorithmCrc32})
	if err != nil {
		t.Fatal(err)
	}
	before, err := e.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: k})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // Last-Modified counts seconds
	cp, err := e.S3.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: k, CopySource: aws.String(alias + "/touch.txt"),
		MetadataDirective: s3types.MetadataDirectiveReplace, ContentType: aws.String("text/new"),
		ChecksumAlgorithm: s3types.ChecksumAlgorithmSha256})
	if err != nil {
		t.Fatal(err)
	}
	res := cp.CopyObjectResult
	sum := sha256.Sum256([]byte("payload"))
	want := base64.StdEncoding.EncodeToString(sum[:])
	if !res.LastModified.After(*before.LastModified) || aws.ToString(res.ETag) != aws.ToString(put.ETag) ||
		aws.ToString(res.ChecksumSHA256) != want || res.ChecksumCRC32 != nil {
		t.Errorf("copy result: LastModified %v (was %v), ETag %s, SHA256 %v, CRC32 %v", res.LastModified, before.LastModified,
			aws.ToString(res.ETag), aws.ToString(res.ChecksumSHA256), aws.ToString(res.ChecksumCRC32))
	}
	head, err := e.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: k, ChecksumMode: s3types.ChecksumModeEnabled})
	if err != nil || !head.LastModified.Equal(res.LastModified.Truncate(time.Second)) || aws.ToString(head.ETag) != aws.ToString(res.ETag) ||
		aws.ToString(head.ChecksumSHA256) != want || head.ChecksumCRC32 != nil || aws.ToString(head.ContentType) != "text/new" {
		t.Errorf("HEAD after the copy: %v, LastModified %v, want %v", err, head.LastModified, res.LastModified)
	}
	l, err := e.S3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: b})
	if err != nil || len(l.Contents) != 1 || !l.Contents[0].LastModified.Equal(*res.LastModified) || aws.ToString(l.Contents[0].ETag) != aws.ToString(res.ETag) {
		t.Errorf("listed after the copy: %v %+v", err, l)
	}
}
