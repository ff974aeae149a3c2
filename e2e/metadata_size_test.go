package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// TestS3MetadataSize: metadata that an FSx volume cannot store with the
// object (user metadata, content headers and tags beyond
// volume.MaxMetaSize) is refused with 400 MetadataTooLarge when the
// request arrives, CreateMultipartUpload included, never with 507, and
// leaves nothing behind (docs/decisions.md, "Object metadata size").
func TestS3MetadataSize(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	alias := s3AccessPoint(t, e, "metasize-ap")
	b := aws.String(alias)
	user := map[string]string{"a": strings.Repeat("a", 2000)}
	long, short := "attachment; filename=\""+strings.Repeat("b", 2100)+"\"", "attachment; filename=\""+strings.Repeat("b", 1000)+"\""
	put := func(key, disposition string) error {
		_, err := e.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String(key), Body: strings.NewReader("x"),
			Metadata: user, ContentDisposition: aws.String(disposition)})
		return err
	}
	azWant(t, "PutObject, 2 KB metadata and a 1 KB disposition", put("fits", short), "")
	azWant(t, "PutObject, 2 KB metadata and a 2 KB disposition", put("big", long), "MetadataTooLarge")
	s3Missing(t, e.S3, alias, "big")

	_, err := e.S3.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: aws.String("mpu"),
		Metadata: user, ContentDisposition: aws.String(long)})
	azWant(t, "CreateMultipartUpload, 2 KB metadata and a 2 KB disposition", err, "MetadataTooLarge")
	ups, err := e.S3.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: b})
	if err != nil || len(ups.Uploads) != 0 {
		t.Errorf("uploads after a refused CreateMultipartUpload: %v %v", err, ups)
	}

	_, err = e.S3.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String("copy"), CopySource: aws.String(alias + "/fits"),
		MetadataDirective: s3types.MetadataDirectiveReplace, Metadata: user, ContentDisposition: aws.String(long)})
	azWant(t, "CopyObject REPLACE, 2 KB metadata and a 2 KB disposition", err, "MetadataTooLarge")
	s3Missing(t, e.S3, alias, "copy")

	var tags []s3types.Tag // S3's largest tag set
	for i := range 10 {
		tags = append(tags, s3types.Tag{Key: aws.String(strings.Repeat(string(rune('a'+i)), 128)), Value: aws.String(strings.Repeat("v", 256))})
	}
	_, err = e.S3.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: b, Key: aws.String("fits"),
		Tagging: &s3types.Tagging{TagSet: tags}})
	azWant(t, "PutObjectTagging of 10 long tags beside 2 KB metadata", err, "MetadataTooLarge")
	head, err := e.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("fits")})
	if err != nil || head.Metadata["a"] != user["a"] || aws.ToString(head.ContentDisposition) != short || head.TagCount != nil {
		t.Errorf("object after a refused PutObjectTagging: %v", err)
	}
}
