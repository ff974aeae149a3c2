package e2e

//lint:file-ignore SA1019 feature/s3/manager is what users of aws-sdk-go-v2 still run

// Multipart uploads written in place (multipart/slot.go): the transfer
// manager's uploads take the path without a copy, and uploads that do
// not fit the slot layout still complete to the right bytes.

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/fsxd/fsxd/volume"
)

// multipartETag is S3's ETag of an object uploaded in parts of size ps.
func multipartETag(data []byte, ps int) string {
	var sums []byte
	n := 0
	for off := 0; off < len(data); off += ps {
		s := md5.Sum(data[off:min(off+ps, len(data))])
		sums, n = append(sums, s[:]...), n+1
	}
	all := md5.Sum(sums)
	return fmt.Sprintf(`"%s-%d"`, hex.EncodeToString(all[:]), n)
}

func randBytes(seed uint64, n int) []byte {
	b := make([]byte, n)
	r := rand.NewChaCha8([32]byte{byte(seed)})
	r.Read(b)
	return b
}

func getBytes(t *testing.T, c *s3.Client, alias, key string) ([]byte, string) {
	t.Helper()
	out, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(alias), Key: aws.String(key)})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b, aws.ToString(out.ETag)
}

func TestS3MultipartSlotsManager(t *testing.T) {
	e := Start(t)
	alias := s3AccessPoint(t, e, "slots-ap")
	const ps = 5 << 20
	data := randBytes(1, 7*ps+123457) // a last part smaller than the rest
	before := volume.Adopted.Load()
	up := manager.NewUploader(e.S3, func(u *manager.Uploader) { u.PartSize, u.Concurrency = ps, 8 })
	out, err := up.Upload(context.Background(), &s3.PutObjectInput{Bucket: aws.String(alias), Key: aws.String("slots/obj"), Body: bytes.NewReader(data)})
	if err != nil {
		t.Fatal(err)
	}
	if got := volume.Adopted.Load() - before; got != 1 {
		t.Errorf("slot file adopted %d times, want 1 (the copy at Complete was not avoided)", got)
	}
	got, etag := getBytes(t, e.S3, alias, "slots/obj")
	if !bytes.Equal(got, data) {
		t.Fatalf("object differs (%d bytes, want %d)", len(got), len(data))
	}
	if want := multipartETag(data, ps); etag != want || aws.ToString(out.ETag) != want {
		t.Errorf("ETag %s (Complete said %s), want %s", etag, aws.ToString(out.ETag), want)
	}
}

// Uploads the slot layout does not fit, in the order given: each must
// complete to the newest bytes of each part, with or without a copy.
func TestS3MultipartSlotsFallback(t *testing.T) {
	e := Start(t)
	alias := s3AccessPoint(t, e, "slotfb-ap")
	const mb = 1 << 20
	type send struct{ n, size int }
	cases := []struct {
		name  string
		sends []send
		adopt bool
	}{
		{"in order", []send{{1, 5 * mb}, {2, 5 * mb}, {3, 2 * mb}}, true},
		{"out of order", []send{{2, 5 * mb}, {3, 1 * mb}, {1, 5 * mb}}, true},
		{"short last part first", []send{{3, 1 * mb}, {2, 5 * mb}, {1, 5 * mb}}, true},
		{"part beyond the list", []send{{1, 5 * mb}, {2, 5 * mb}, {3, 5 * mb}, {4, 5 * mb}}, false},
		{"sizes differ", []send{{1, 5 * mb}, {2, 6 * mb}, {3, 5 * mb}}, false},
		{"first part smaller", []send{{1, 6 * mb}, {2, 7 * mb}, {3, 7 * mb}}, false},
		{"re-upload", []send{{1, 5 * mb}, {2, 5 * mb}, {2, 5 * mb}, {3, 5 * mb}}, false},
		{"odd size", []send{{2, 5*mb + 1}, {1, 5*mb + 1}, {3, 7}}, true},
	}
	for ci, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			key := fmt.Sprintf("fb/%d", ci)
			cr, err := e.S3.CreateMultipartUpload(context.Background(), &s3.CreateMultipartUploadInput{Bucket: aws.String(alias), Key: aws.String(key)})
			if err != nil {
				t.Fatal(err)
			}
			newest := map[int][]byte{}
			etags := map[int]*string{}
			for si, s := range tc.sends {
				b := randBytes(uint64(ci*100+si), s.size)
				out, err := e.S3.UploadPart(context.Background(), &s3.UploadPartInput{Bucket: aws.String(alias), Key: aws.String(key),
					UploadId: cr.UploadId, PartNumber: aws.Int32(int32(s.n)), Body: bytes.NewReader(b)})
				if err != nil {
					t.Fatal(err)
				}
				newest[s.n], etags[s.n] = b, out.ETag
			}
			var want []byte
			var parts []types.CompletedPart
			for n := 1; n <= min(len(newest), 3); n++ { // a part 4 is left out
				want = append(want, newest[n]...)
				parts = append(parts, types.CompletedPart{PartNumber: aws.Int32(int32(n)), ETag: etags[n]})
			}
			before := volume.Adopted.Load()
			if _, err := fidComplete(e.S3, alias, key, aws.ToString(cr.UploadId), parts); err != nil {
				t.Fatal(err)
			}
			if adopted := volume.Adopted.Load() > before; adopted != tc.adopt {
				t.Errorf("adopted = %v, want %v", adopted, tc.adopt)
			}
			if got, _ := getBytes(t, e.S3, alias, key); !bytes.Equal(got, want) {
				t.Errorf("object differs (%d bytes, want %d)", len(got), len(want))
			}
		})
	}
}
