package bench

import (
	"bytes"
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// The cases whose one op is many requests: multipart upload, a full
// listing, a full paginated describe.

// multipartCase uploads size bytes in part-size parts with CreateMultipart
// Upload, UploadPart (conc parts in flight) and Complete: one upload at a
// time, its concurrency inside.
func multipartCase(size, part int64, target float64) Case {
	name := "multipart-" + sizeName(size)
	parts := int(size / part)
	return Case{Name: name, Min: target, Serial: true, Signed: true,
		S3: func(t *Target) *Job {
			return &Job{Op: func(ctx context.Context, conc, _, _ int) (int64, error) {
				return size, t.multipart(ctx, name+"/obj", parts, payload(part), conc)
			}}
		},
		Raw: func(dir string) *Job { return rawMultipart(dir, size, part) },
	}
}

func (t *Target) multipart(ctx context.Context, key string, parts int, data []byte, conc int) error {
	b, k := aws.String(t.Bucket), aws.String(t.Prefix+key)
	up, err := t.S3.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: k})
	if err != nil {
		return err
	}
	done := make([]types.CompletedPart, parts)
	err = parallel(ctx, parts, conc, func(ctx context.Context, i int) error {
		out, err := t.S3.UploadPart(ctx, &s3.UploadPartInput{Bucket: b, Key: k, UploadId: up.UploadId,
			PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(data), ContentLength: aws.Int64(int64(len(data)))})
		if err == nil {
			done[i] = types.CompletedPart{PartNumber: aws.Int32(int32(i + 1)), ETag: out.ETag}
		}
		return err
	})
	if err == nil {
		_, err = t.S3.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: b, Key: k, UploadId: up.UploadId,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: done}})
	}
	if err != nil {
		t.S3.AbortMultipartUpload(context.WithoutCancel(ctx), &s3.AbortMultipartUploadInput{Bucket: b, Key: k, UploadId: up.UploadId})
	}
	return err
}

// listKey lays n keys out as 10 × 10 directories of n/100 files, the
// shape a dataset on a file system has.
func listKey(root string, n, i int) string {
	leaf := n / 100
	return fmt.Sprintf("%s/d%02d/e%02d/obj%04d", root, i/(leaf*10), i/leaf%10, i%leaf)
}

// listCase lists n keys in full, 1,000 per page, and checks the count and
// the order. Objects are empty: listing cost is per key, not per byte.
func listCase(n int, target float64) Case {
	name := fmt.Sprintf("list-%dk", n/1000)
	return Case{Name: name, Min: target,
		S3: func(t *Target) *Job {
			return &Job{
				Setup: func(ctx context.Context) error {
					return t.putMany(ctx, n, func(i int) string { return listKey(name, n, i) }, nil)
				},
				Op: func(ctx context.Context, _, _, _ int) (int64, error) { return 0, t.listAll(ctx, name+"/", n) },
			}
		},
		Raw: func(dir string) *Job { return rawWalk(dir, n) },
	}
}

func (t *Target) listAll(ctx context.Context, prefix string, want int) error {
	p := s3.NewListObjectsV2Paginator(t.S3, &s3.ListObjectsV2Input{
		Bucket: aws.String(t.Bucket), Prefix: aws.String(t.Prefix + prefix), MaxKeys: aws.Int32(1000)})
	n, last := 0, ""
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, o := range out.Contents {
			k := aws.ToString(o.Key)
			if k <= last {
				return fmt.Errorf("ListObjectsV2: %q after %q: not in order", k, last)
			}
			n, last = n+1, k
		}
	}
	if n != want {
		return fmt.Errorf("ListObjectsV2: listed %d keys, want %d", n, want)
	}
	return nil
}

// describeCase pages (100 per page) through n attachments, the account's
// total; setup creates them once through the FSx API.
func describeCase(n int) Case {
	return Case{Name: fmt.Sprintf("describe-ap-%d", n),
		Control: func(c *fsx.Client) *Job {
			return &Job{
				Setup: func(ctx context.Context) error { return AddAttachments(ctx, c, n) },
				Op: func(ctx context.Context, _, _, _ int) (int64, error) {
					got, _, err := describeAll(ctx, c, 100)
					if err == nil && got != n {
						err = fmt.Errorf("DescribeS3AccessPointAttachments: %d attachments, want %d", got, n)
					}
					return 0, err
				},
			}
		},
	}
}
