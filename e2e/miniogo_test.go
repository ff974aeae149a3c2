package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// TestMinioGoWorkflow drives the server with minio-go, an S3 client
// written independently of the AWS SDKs (docs/clients.md, "minio-go"),
// with its defaults: endpoint, static V4 credentials, no TLS. minio-go
// picks path style itself for a host that is not an AWS one.
func TestMinioGoWorkflow(t *testing.T) {
	e := Start(t)
	alias := s3AccessPoint(t, e, "minio-ap")
	ctx := context.Background()
	mc, err := minio.New(e.Addr, &minio.Options{Creds: credentials.NewStaticV4(e.Key, e.Secret, "")})
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := mc.BucketExists(ctx, alias); err != nil || !ok {
		t.Fatalf("BucketExists(alias) = %v, %v", ok, err)
	}

	big := make([]byte, 11<<20)
	rand.Read(big)
	// Known size above the part size: three parts, uploaded in parallel.
	info, err := mc.PutObject(ctx, alias, "mp/known.bin", bytes.NewReader(big), int64(len(big)),
		minio.PutObjectOptions{PartSize: 5 << 20, ContentType: "application/x-test"})
	if err != nil {
		t.Fatalf("PutObject (multipart): %v", err)
	}
	if info.Size != int64(len(big)) {
		t.Fatalf("PutObject size %d, want %d", info.Size, len(big))
	}
	// Unknown size (a reader that hides its length): parts until EOF.
	if _, err := mc.PutObject(ctx, alias, "mp/stream.bin", io.MultiReader(bytes.NewReader(big[:6<<20])), -1,
		minio.PutObjectOptions{PartSize: 5 << 20}); err != nil {
		t.Fatalf("PutObject (unknown size): %v", err)
	}
	if _, err := mc.PutObject(ctx, alias, "small.txt", bytes.NewReader([]byte("hello minio")), 11,
		minio.PutObjectOptions{UserMetadata: map[string]string{"Color": "blue"}}); err != nil {
		t.Fatalf("PutObject (small): %v", err)
	}

	read := func(key string) ([]byte, minio.ObjectInfo) {
		t.Helper()
		obj, err := mc.GetObject(ctx, alias, key, minio.GetObjectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer obj.Close()
		b, err := io.ReadAll(obj)
		if err != nil {
			t.Fatalf("GetObject %s: %v", key, err)
		}
		st, _ := obj.Stat()
		return b, st
	}
	if b, st := read("mp/known.bin"); !bytes.Equal(b, big) || st.ContentType != "application/x-test" {
		t.Fatalf("mp/known.bin: %d bytes, type %q", len(b), st.ContentType)
	}
	if b, _ := read("mp/stream.bin"); !bytes.Equal(b, big[:6<<20]) {
		t.Fatalf("mp/stream.bin: %d bytes", len(b))
	}
	if b, st := read("small.txt"); string(b) != "hello minio" || st.UserMetadata["Color"] != "blue" {
		t.Fatalf("small.txt: %q, metadata %v", b, st.UserMetadata)
	}

	list := func(opts minio.ListObjectsOptions) []string {
		t.Helper()
		var keys []string
		for o := range mc.ListObjects(ctx, alias, opts) {
			if o.Err != nil {
				t.Fatalf("ListObjects: %v", o.Err)
			}
			keys = append(keys, o.Key)
		}
		sort.Strings(keys)
		return keys
	}
	if got := list(minio.ListObjectsOptions{Recursive: true}); !slices.Equal(got, []string{"mp/known.bin", "mp/stream.bin", "small.txt"}) {
		t.Fatalf("ListObjects recursive = %v", got)
	}
	if got := list(minio.ListObjectsOptions{}); !slices.Equal(got, []string{"mp/", "small.txt"}) {
		t.Fatalf("ListObjects with delimiter = %v", got)
	}

	u, err := mc.PresignedGetObject(ctx, alias, "small.txt", time.Minute, url.Values{})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(u.String())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "hello minio" {
		t.Fatalf("presigned GET: %d %q", resp.StatusCode, body)
	}

	for _, k := range []string{"mp/known.bin", "mp/stream.bin", "small.txt"} {
		if err := mc.RemoveObject(ctx, alias, k, minio.RemoveObjectOptions{}); err != nil {
			t.Fatalf("RemoveObject %s: %v", k, err)
		}
	}
	if got := list(minio.ListObjectsOptions{Recursive: true}); len(got) != 0 {
		t.Fatalf("after RemoveObject: %v", got)
	}
}
