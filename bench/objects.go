package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// The object cases: PUT, GET, HEAD and DELETE through the S3 API.

// poolLimit caps DELETE's pre-created keys (and raw unlink's files).
const poolLimit = 50_000

func (t *Target) put(ctx context.Context, key string, data []byte) error {
	_, err := t.S3.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(t.Bucket), Key: aws.String(t.Prefix + key),
		Body: bytes.NewReader(data), ContentLength: aws.Int64(int64(len(data))),
	})
	return err
}

// putMany writes n objects named by key(i), 8 at a time (setup only).
func (t *Target) putMany(ctx context.Context, n int, key func(int) string, data []byte) error {
	return parallel(ctx, n, 8, func(ctx context.Context, i int) error { return t.put(ctx, key(i), data) })
}

func putCase(size int64, target float64) Case {
	name := "put-" + sizeName(size)
	per := keysPer(size)
	return Case{Name: name, Min: target, Signed: true,
		S3: func(t *Target) *Job {
			data := payload(size)
			return &Job{Op: func(ctx context.Context, _, w, i int) (int64, error) {
				return size, t.put(ctx, fmt.Sprintf("%s/w%02d/k%02d", name, w, i%per), data)
			}}
		},
		Raw: func(dir string) *Job { return rawPut(dir, size, per) },
	}
}

func getCase(size int64, target float64, ident bool) Case {
	name := "get-" + sizeName(size)
	n := readObjects(size)
	key := func(i int) string { return fmt.Sprintf("%s/obj%02d", name, i%n) }
	return Case{Name: name, Min: target, Ident: ident,
		S3: func(t *Target) *Job {
			return &Job{
				Setup: func(ctx context.Context) error { return t.putMany(ctx, n, key, payload(size)) },
				Op: func(ctx context.Context, _, w, i int) (int64, error) {
					return t.get(ctx, key(w+i), size)
				},
			}
		},
		Raw: func(dir string) *Job { return rawGet(dir, size, n) },
	}
}

// discardBufs are per-request copy buffers: large, so a 64 MiB body is
// read in few calls, and reused, so the client allocates nothing per GET.
var discardBufs = sync.Pool{New: func() any { return new([256 * KiB]byte) }}

// get reads the whole object and discards it, checking its length.
func (t *Target) get(ctx context.Context, key string, size int64) (int64, error) {
	out, err := t.S3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(t.Bucket), Key: aws.String(t.Prefix + key)})
	if err != nil {
		return 0, err
	}
	defer out.Body.Close()
	buf := discardBufs.Get().(*[256 * KiB]byte)
	defer discardBufs.Put(buf)
	n, err := io.CopyBuffer(struct{ io.Writer }{io.Discard}, out.Body, buf[:])
	if err == nil && n != size {
		err = fmt.Errorf("GET %s: %d bytes, want %d", key, n, size)
	}
	return n, err
}

func headCase() Case {
	const size = 4 * KiB
	n := readObjects(size)
	key := func(i int) string { return fmt.Sprintf("head-4KiB/obj%02d", i%n) }
	return Case{Name: "head-4KiB", Min: 0.75, Ident: true,
		S3: func(t *Target) *Job {
			return &Job{
				Setup: func(ctx context.Context) error { return t.putMany(ctx, n, key, payload(size)) },
				Op: func(ctx context.Context, _, w, i int) (int64, error) {
					out, err := t.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(t.Bucket), Key: aws.String(t.Prefix + key(w+i))})
					if err == nil && aws.ToInt64(out.ContentLength) != size {
						err = fmt.Errorf("HEAD: Content-Length %d, want %d", aws.ToInt64(out.ContentLength), size)
					}
					return 0, err
				},
			}
		},
		Raw: func(dir string) *Job { return rawStat(dir, n) },
	}
}

// deleteCase deletes objects that exist: each measurement first creates
// its own keys (untimed), since deleting a missing key is a cheaper path.
func deleteCase() Case {
	return Case{Name: "delete-4KiB", Min: 0.50,
		S3: func(t *Target) *Job {
			var p pool
			return &Job{
				Prepare: func(ctx context.Context, m Prep) error {
					data := payload(4 * KiB)
					return p.fill(ctx, m.Budget, poolLimit, func(ctx context.Context, i int) (string, error) {
						k := fmt.Sprintf("delete-4KiB/c%d-r%d/k%06d", m.Conc, m.Round, i)
						return k, t.put(ctx, k, data)
					})
				},
				Op: func(ctx context.Context, _, _, _ int) (int64, error) {
					k, err := p.take()
					if err != nil {
						return 0, err
					}
					_, err = t.S3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(t.Bucket), Key: aws.String(t.Prefix + k)})
					return 0, err
				},
			}
		},
		Raw: func(dir string) *Job { return rawUnlink(dir) },
	}
}
