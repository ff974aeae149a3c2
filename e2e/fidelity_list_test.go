package e2e

// S3 fidelity of listings: an empty continuation token, and which
// elements encoding-type=url encodes in each ListObjects version.

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func TestS3ListEncodingAndEmptyToken(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	alias := s3AccessPoint(t, e, "listenc-ap")
	c := hardClient(e)
	for _, k := range []string{"a b/x y", "a b/z/1", "a b/é", "other"} {
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(alias), Key: aws.String(k), Body: strings.NewReader("x")}); err != nil {
			t.Fatal(err)
		}
	}
	// An empty continuation-token is as if absent, echoed empty.
	v2, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(alias), ContinuationToken: aws.String("")})
	if err != nil {
		t.Fatalf("empty continuation token: %v", err)
	}
	if len(v2.Contents) != 4 || v2.ContinuationToken == nil || *v2.ContinuationToken != "" {
		t.Errorf("empty token: %d keys, ContinuationToken %v", len(v2.Contents), v2.ContinuationToken)
	}

	// V1 echoes Prefix as sent and encodes Delimiter, Marker, NextMarker,
	// keys and common prefixes (spaces as "+", as S3 does).
	v1, err := c.ListObjects(ctx, &s3.ListObjectsInput{Bucket: aws.String(alias), Prefix: aws.String("a b/"), Delimiter: aws.String(" "),
		Marker: aws.String("a b/w"), MaxKeys: aws.Int32(1), EncodingType: types.EncodingTypeUrl})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(v1.Prefix) != "a b/" || aws.ToString(v1.Delimiter) != "+" || aws.ToString(v1.Marker) != "a+b/w" {
		t.Errorf("V1 Prefix %q Delimiter %q Marker %q", aws.ToString(v1.Prefix), aws.ToString(v1.Delimiter), aws.ToString(v1.Marker))
	}
	if len(v1.CommonPrefixes) != 1 || aws.ToString(v1.CommonPrefixes[0].Prefix) != "a+b/x+" || aws.ToString(v1.NextMarker) != "a+b/x+" {
		t.Errorf("V1 CommonPrefixes %v NextMarker %q", v1.CommonPrefixes, aws.ToString(v1.NextMarker))
	}
	v1, err = c.ListObjects(ctx, &s3.ListObjectsInput{Bucket: aws.String(alias), Prefix: aws.String("a b/\u00e9"), EncodingType: types.EncodingTypeUrl})
	if err != nil || len(v1.Contents) != 1 || aws.ToString(v1.Contents[0].Key) != "a+b/%C3%A9" || aws.ToString(v1.Prefix) != "a b/\u00e9" {
		t.Errorf("V1 key: %v %+v", err, v1)
	}

	// V2 encodes Prefix, Delimiter, StartAfter, keys and common prefixes.
	v2, err = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(alias), Prefix: aws.String("a b/"), Delimiter: aws.String("/"),
		StartAfter: aws.String("a b/w"), EncodingType: types.EncodingTypeUrl})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(v2.Prefix) != "a+b/" || aws.ToString(v2.StartAfter) != "a+b/w" || len(v2.Contents) != 2 ||
		aws.ToString(v2.Contents[0].Key) != "a+b/x+y" || len(v2.CommonPrefixes) != 1 || aws.ToString(v2.CommonPrefixes[0].Prefix) != "a+b/z/" {
		t.Errorf("V2: %+v", v2)
	}
}
