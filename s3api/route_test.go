package s3api

import (
	"net/http/httptest"
	"testing"
)

// TestOperation is the routing table as a truth table: method, target and
// headers on the left, the operation S3 would name on the right.
func TestOperation(t *testing.T) {
	h := New(Config{Domains: []string{"s3.test"}})
	check := func(method, target, copySource, want string) {
		t.Helper()
		r := httptest.NewRequest(method, target, nil)
		if copySource != "" {
			r.Header.Set("x-amz-copy-source", copySource)
		}
		if got := h.Operation(r); got != want {
			t.Errorf("%s %s: %s, want %s", method, target, got, want)
		}
	}
	const b = "/ap-x-ext-s3alias"
	check("GET", "/", "", "ListBuckets")
	check("HEAD", b, "", "HeadBucket")
	check("GET", b+"?location", "", "GetBucketLocation")
	check("GET", b+"?list-type=2", "", "ListObjectsV2")
	check("GET", b, "", "ListObjects")
	check("GET", b+"?uploads", "", "ListMultipartUploads")
	check("POST", b+"?delete", "", "DeleteObjects")
	check("PUT", b, "", "CreateBucket")
	check("DELETE", b, "", "DeleteBucket")
	check("GET", b+"?acl", "", "GetBucketAcl")
	check("PUT", b+"?policy", "", "PutBucketPolicy")
	check("GET", b+"?versions", "", "ListObjectVersions")
	check("GET", b+"?notification", "", "GetBucketNotificationConfiguration")
	check("GET", b+"/k", "", "GetObject")
	check("HEAD", b+"/k", "", "HeadObject")
	check("PUT", b+"/k", "", "PutObject")
	check("PUT", b+"/k", "/src/k", "CopyObject")
	check("DELETE", b+"/k", "", "DeleteObject")
	check("GET", b+"/k?attributes", "", "GetObjectAttributes")
	check("GET", b+"/k?tagging", "", "GetObjectTagging")
	check("PUT", b+"/k?tagging", "", "PutObjectTagging")
	check("DELETE", b+"/k?tagging", "", "DeleteObjectTagging")
	check("POST", b+"/k?uploads", "", "CreateMultipartUpload")
	check("PUT", b+"/k?partNumber=1&uploadId=u", "", "UploadPart")
	check("PUT", b+"/k?partNumber=1&uploadId=u", "/src/k", "UploadPartCopy")
	check("POST", b+"/k?uploadId=u", "", "CompleteMultipartUpload")
	check("DELETE", b+"/k?uploadId=u", "", "AbortMultipartUpload")
	check("GET", b+"/k?uploadId=u", "", "ListParts")
	check("GET", b+"/k?acl", "", "GetObjectAcl")
	check("PUT", b+"/k?retention", "", "PutObjectRetention")
	check("PUT", b+"/k?legal-hold", "", "PutObjectLegalHold")
	check("POST", b+"/k?restore", "", "RestoreObject")
	check("POST", b+"/k?select&select-type=2", "", "SelectObjectContent")
	check("PATCH", b+"/k", "", "MethodNotAllowed")
	// Virtual-hosted: the whole path is the key.
	check("GET", "http://ap-x-ext-s3alias.s3.test/?list-type=2", "", "ListObjectsV2")
	check("GET", "http://ap-x-ext-s3alias.s3.test/a/b", "", "GetObject")
	check("GET", "http://myap-123456789012.localhost:9000/", "", "ListObjects")
}

func TestAddress(t *testing.T) {
	for _, c := range []struct {
		host, path           string
		bucket, account, key string
	}{
		{"127.0.0.1:9000", "/al/a/b", "al", "", "a/b"},
		{"myap-123456789012.127.0.0.1:9000", "/a/b", "myap", "123456789012", "a/b"},
		{"MYAP-123456789012.example.com", "/", "myap", "123456789012", ""},
		{"al.s3.test", "/x", "al", "", "x"},
		{"a.b.s3.test", "/al/x", "al", "", "x"},                // only one label before the domain
		{"myap-12345678901.localhost", "/al/x", "al", "", "x"}, // 11 digits: not an ARN host
		{"10.0.0.1", "/al/x", "al", "", "x"},
		{"ap-123456789012", "/al/x", "al", "", "x"}, // a bare label has no host after it
	} {
		r := httptest.NewRequest("GET", c.path, nil)
		r.Host = c.host
		a := address(r, []string{"s3.test"})
		if a.bucket != c.bucket || a.account != c.account || a.key != c.key {
			t.Errorf("%s%s: %+v", c.host, c.path, a)
		}
	}
}
