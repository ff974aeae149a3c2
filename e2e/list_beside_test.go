package e2e

// Listings stay exact while files change beside S3 and on other nodes:
// the listing cache (volume/dircache.go) must never serve a directory as
// it was before a change that completed before the request.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// TestListChangesBesideBetweenPages: one server; files created, deleted
// and renamed on disk and through S3 between two pages of one listing,
// within the same second as the first page and after the directory had
// time to be cached.
func TestListChangesBesideBetweenPages(t *testing.T) {
	e := Start(t)
	v := hardAccessPoint(t, e, "list-beside", 0)
	listBeside(t, v, e.S3, e.S3, "a")
}

// TestScaleOutListing: two servers sharing the data directory and a
// PostgreSQL store; pages listed on node 2 while node 1 and the disk
// change the directory, and the other way round.
func TestScaleOutListing(t *testing.T) {
	c := startCluster(t, 2)
	n1, n2 := c.nodes[0], c.nodes[1]
	v := hardAccessPoint(t, n1.Env, "list-two", 0)
	apWaitState(t, n2.Env, "list-two", "AVAILABLE")
	listBeside(t, v, n1.S3, n2.S3, "a")
	listBeside(t, v, n2.S3, n1.S3, "b")
}

// listBeside changes flat/ through writer and on disk between pages that
// lister serves, and checks every page against the directory on disk.
// Keys are named after tag, so that each call changes keys of its own.
func listBeside(t *testing.T, v hardVolume, writer, lister *s3.Client, tag string) {
	ctx := context.Background()
	flat := filepath.Join(v.dir, "flat")
	for r, settle := range []bool{false, true} {
		round := fmt.Sprintf("%s%d-", tag, r)
		for i := range 30 {
			mustPutKey(t, writer, v.alias, fmt.Sprintf("flat/%sk%03d", round, 2*i), "x")
		}
		if settle {
			// Older than the cache's 2 s slack: both nodes now cache it.
			time.Sleep(2500 * time.Millisecond)
			listAll(t, writer, v.alias)
			listAll(t, lister, v.alias)
		}
		first, token := listPage(t, lister, v.alias, token0, 10)
		last := first[len(first)-1]
		mustPutKey(t, writer, v.alias, fmt.Sprintf("flat/%sk%03d", round, 31), "new")
		if _, err := writer.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(v.alias), Key: aws.String(fmt.Sprintf("flat/%sk%03d", round, 40))}); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(flat, round+"k033"), []byte("beside"), 0o644)
		os.Remove(filepath.Join(flat, round+"k042"))
		os.Rename(filepath.Join(flat, round+"k044"), filepath.Join(flat, round+"k045"))
		var rest []string
		for token != "" {
			var page []string
			page, token = listPage(t, lister, v.alias, token, 10)
			rest = append(rest, page...)
		}
		disk := diskFlat(t, flat)
		want := disk[slices.IndexFunc(disk, func(k string) bool { return k > last }):]
		if !slices.Equal(rest, want) {
			t.Fatalf("round %d (settled %v): pages after the changes\n got %v\nwant %v", r, settle, rest, want)
		}
		if all := listAll(t, writer, v.alias); !slices.Equal(all, disk) {
			t.Fatalf("round %d: full listing on the writer\n got %v\nwant %v", r, all, disk)
		}
		if settle {
			// The lister cached flat/ before the changes; once they are
			// older than the slack it must still notice them.
			time.Sleep(2500 * time.Millisecond)
			if all := listAll(t, lister, v.alias); !slices.Equal(all, disk) {
				t.Fatalf("round %d: listing on the lister once the changes settled\n got %v\nwant %v", r, all, disk)
			}
		}
	}
}

const token0 = "" // the first page

func mustPutKey(t *testing.T, c *s3.Client, alias, key, body string) {
	t.Helper()
	_, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(alias), Key: aws.String(key), Body: strings.NewReader(body)})
	if err != nil {
		t.Fatalf("PUT %s: %v", key, err)
	}
}

// listPage lists up to max keys of flat/ from token; next is "" at the end.
func listPage(t *testing.T, c *s3.Client, alias, token string, max int32) (keys []string, next string) {
	t.Helper()
	in := &s3.ListObjectsV2Input{Bucket: aws.String(alias), Prefix: aws.String("flat/"), MaxKeys: aws.Int32(max)}
	if token != "" {
		in.ContinuationToken = aws.String(token)
	}
	out, err := c.ListObjectsV2(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range out.Contents {
		keys = append(keys, aws.ToString(o.Key))
	}
	if aws.ToBool(out.IsTruncated) {
		next = aws.ToString(out.NextContinuationToken)
	}
	return keys, next
}

func listAll(t *testing.T, c *s3.Client, alias string) []string {
	t.Helper()
	var all []string
	for token := token0; ; {
		page, next := listPage(t, c, alias, token, 1000)
		all = append(all, page...)
		if token = next; token == "" {
			return all
		}
	}
}

// diskFlat is the reference: the regular files in flat, as keys, sorted.
func diskFlat(t *testing.T, flat string) []string {
	t.Helper()
	ents, err := os.ReadDir(flat)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, e := range ents {
		if e.Type().IsRegular() {
			keys = append(keys, "flat/"+e.Name())
		}
	}
	slices.Sort(keys)
	return keys
}
