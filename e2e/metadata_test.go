package e2e

// Object metadata and the identity (issue 12, item 7): what discloses an
// object's content (checksums, parts, tags) needs what reading it needs,
// in the policy (s3:GetObject) and on the file system (read permission).

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func getAttributes(c *s3.Client, alias, key string) (*s3.GetObjectAttributesOutput, error) {
	return c.GetObjectAttributes(context.Background(), &s3.GetObjectAttributesInput{Bucket: aws.String(alias), Key: aws.String(key),
		ObjectAttributes: []s3types.ObjectAttributes{s3types.ObjectAttributesEtag, s3types.ObjectAttributesChecksum,
			s3types.ObjectAttributesObjectSize, s3types.ObjectAttributesObjectParts}})
}

// TestAuthzObjectAttributesNeedGetObject: as on S3, GetObjectAttributes
// needs s3:GetObject besides s3:GetObjectAttributes, so a Deny on
// s3:GetObject for secret/* hides secret/b.txt's ETag and checksum.
func TestAuthzObjectAttributesNeedGetObject(t *testing.T) {
	e := Start(t)
	alias, _ := azAccessPoint(t, e, "az-attr", "")
	obj := apARNPrefix + "az-attr/object/"
	both := azUser(t, e, "both", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["s3:GetObject","s3:GetObjectAttributes"],"Resource":"`+obj+`*"},
		{"Effect":"Deny","Action":"s3:GetObject","Resource":"`+obj+`secret/*"}]}`)
	attrsOnly := azUser(t, e, "attrs-only", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:GetObjectAttributes","Resource":"`+obj+`*"}]}`)

	_, err := getAttributes(both.S3, alias, "public/a.txt")
	azWant(t, "GetObjectAttributes allowed", err, "")
	_, err = getAttributes(both.S3, alias, "secret/b.txt")
	azWant(t, "GetObjectAttributes under a Deny on s3:GetObject", err, "AccessDenied")
	azWant(t, "GetObject under a Deny", azGet(both, alias, "secret/b.txt"), "AccessDenied")
	_, err = getAttributes(attrsOnly.S3, alias, "public/a.txt")
	azWant(t, "GetObjectAttributes without s3:GetObject", err, "AccessDenied")
}

// TestIdentityObjectMetadata: uid 1001 cannot learn the checksum, parts
// or tags of uid 1002's 0600 files (one uploaded with a SHA-256 checksum
// and a tag, one written beside S3), nor HEAD them, though it lists them
// with size and ETag as `ls -l` of the directory would; uid 1002 can.
func TestIdentityObjectMetadata(t *testing.T) {
	skipUnlessRoot(t, "kernel enforcement needs root")
	e := Start(t)
	fsID, root := apOpenZFSFileSystem(t, e, "SINGLE_AZ_HA_2")
	dir := filepath.Join(e.DataDir, "fs", fsID, "fsx")
	v := idAttach(t, e, root, dir, map[string]idUser{"alice": {uid: 1001, gid: 1001}, "bob": {uid: 1002, gid: 1002}})
	ctx := context.Background()
	_, err := e.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(v.alias["bob"]), Key: aws.String("pin.txt"),
		Body: strings.NewReader("1234"), ChecksumAlgorithm: s3types.ChecksumAlgorithmSha256, Tagging: aws.String("kind=pin")})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, "pin.txt"), 0o600); err != nil {
		t.Fatal(err)
	}
	v.file("disk/secret.txt", 0o600, 1002, 1002, "written beside S3")

	for _, key := range []string{"pin.txt", "disk/secret.txt"} {
		a, b := aws.String(v.alias["alice"]), aws.String(v.alias["bob"])
		_, err := getAttributes(e.S3, *a, key)
		wantDenied(t, "GetObjectAttributes of "+key+" as uid 1001", err)
		_, err = e.S3.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: a, Key: aws.String(key)})
		wantDenied(t, "GetObjectTagging of "+key+" as uid 1001", err)
		_, err = e.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: a, Key: aws.String(key)})
		wantDenied(t, "HeadObject of "+key+" as uid 1001", err)
		if _, err := getAttributes(e.S3, *b, key); err != nil {
			t.Errorf("GetObjectAttributes of %s as its owner: %v", key, err)
		}
	}
	out, err := getAttributes(e.S3, v.alias["bob"], "pin.txt")
	if err != nil || out.Checksum == nil || aws.ToString(out.Checksum.ChecksumSHA256) == "" {
		t.Errorf("owner's GetObjectAttributes shows no SHA-256: %v", err)
	}
	keys, err := v.list("alice", "")
	if err != nil || strings.Join(slices.Sorted(slices.Values(keys)), ",") != "disk/secret.txt,pin.txt" {
		t.Errorf("uid 1001 lists %v (%v), want both keys", keys, err)
	}
}

// wantDenied checks err is 403 AccessDenied (HEAD has no body: 403 only).
func wantDenied(t *testing.T, what string, err error) {
	t.Helper()
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusForbidden {
		t.Errorf("%s: %v, want 403 AccessDenied", what, err)
		return
	}
	head := strings.HasPrefix(what, "HeadObject")
	if code := apCode(err); code != "AccessDenied" && !(head && code == "Forbidden") {
		t.Errorf("%s: code %q, want AccessDenied", what, code)
	}
}
