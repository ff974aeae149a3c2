package sigv4

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// signFor signs (or presigns) a GET for region and service, as an SDK
// configured with them would.
func signFor(t *testing.T, region, service string, presign bool) *http.Request {
	t.Helper()
	req, err := http.NewRequest("GET", "http://h/bucket/key", nil)
	if err != nil {
		t.Fatal(err)
	}
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = isS3(service) })
	if presign {
		q := req.URL.Query()
		q.Set("X-Amz-Expires", "900")
		req.URL.RawQuery = q.Encode()
		hash := UnsignedPayload
		if !isS3(service) {
			hash = emptySHA256 // only S3 presigns UNSIGNED-PAYLOAD
		}
		u, _, err := signer.PresignHTTP(context.Background(), testCred, req, hash, service, region, signTime)
		if err != nil {
			t.Fatal(err)
		}
		if req, err = http.NewRequest("GET", u, nil); err != nil {
			t.Fatal(err)
		}
		return toServer(t, req)
	}
	req.Header.Set("X-Amz-Content-Sha256", emptySHA256)
	if err := signer.SignHTTP(context.Background(), testCred, req, emptySHA256, service, region, signTime); err != nil {
		t.Fatal(err)
	}
	return toServer(t, req)
}

func TestVerifyScoped(t *testing.T) {
	s3 := Scope{Services: []string{"s3"}, Regions: []string{"us-east-1"}}
	query := Scope{Services: []string{"iam", "sts"}, Regions: []string{"eu-west-1", "us-east-1"}}
	for _, tc := range []struct {
		name            string
		scope           Scope
		region, service string
		want            Kind
		got, wantField  string
	}{
		{name: "match", scope: s3, region: "us-east-1", service: "s3"},
		{name: "other region", scope: s3, region: "eu-west-1", service: "s3", want: ErrWrongRegion, got: "eu-west-1", wantField: "us-east-1"},
		{name: "made-up region", scope: s3, region: "xx", service: "s3", want: ErrWrongRegion, got: "xx", wantField: "us-east-1"},
		{name: "other service", scope: s3, region: "us-east-1", service: "ec2", want: ErrWrongService, got: "ec2", wantField: "s3"},
		{name: "fsx on s3", scope: s3, region: "us-east-1", service: "fsx", want: ErrWrongService, got: "fsx", wantField: "s3"},
		{name: "region checked first", scope: s3, region: "ap-south-1", service: "ec2", want: ErrWrongRegion, got: "ap-south-1", wantField: "us-east-1"},
		{name: "second region accepted", scope: query, region: "us-east-1", service: "sts"},
		{name: "second service accepted", scope: query, region: "eu-west-1", service: "iam"},
		{name: "query names its first service", scope: query, region: "eu-west-1", service: "s3", want: ErrWrongService, got: "s3", wantField: "iam"},
		{name: "any region", scope: Scope{Services: []string{"fsx"}}, region: "zz-top-9", service: "fsx"},
	} {
		for _, presign := range []bool{false, true} {
			name := tc.name + map[bool]string{false: "/header", true: "/presigned"}[presign]
			t.Run(name, func(t *testing.T) {
				r := signFor(t, tc.region, tc.service, presign)
				lookups := 0
				keys := func(ctx context.Context, id string) (string, error) { lookups++; return testKeys(ctx, id) }
				_, err := VerifyScoped(r, keys, signTime, tc.scope)
				if tc.want == "" {
					if err != nil {
						t.Fatalf("got %v, want success", err)
					}
					return
				}
				var e *Error
				if !errors.As(err, &e) || e.Kind != tc.want || e.Got != tc.got || e.Want != tc.wantField || e.Presigned != presign {
					t.Fatalf("got %#v, want %s got=%s want=%s presigned=%v", err, tc.want, tc.got, tc.wantField, presign)
				}
				if lookups != 0 {
					t.Fatalf("the key was looked up %d times for a mis-scoped request", lookups)
				}
				// Verify alone does not check the scope.
				if _, err := Verify(signFor(t, tc.region, tc.service, presign), testKeys, signTime); err != nil {
					t.Fatalf("Verify: %v", err)
				}
			})
		}
	}
}

func TestUnsignedHeaders(t *testing.T) {
	for _, tc := range []struct {
		name string
		add  [][2]string // headers added after signing
		want []string    // the unsigned headers reported; nil: accepted
	}{
		{name: "nothing added"},
		{name: "copy source", add: [][2]string{{"X-Amz-Copy-Source", "ap/secret.txt"}}, want: []string{"x-amz-copy-source"}},
		{name: "tagging and meta", add: [][2]string{{"x-amz-tagging", "a=b"}, {"X-Amz-Meta-X", "1"}},
			want: []string{"x-amz-meta-x", "x-amz-tagging"}},
		{name: "security token", add: [][2]string{{"X-Amz-Security-Token", "tok"}}, want: []string{"x-amz-security-token"}},
		{name: "odd case", add: [][2]string{{"X-AMZ-ACL", "public-read"}}, want: []string{"x-amz-acl"}},
		{name: "content-type may go unsigned", add: [][2]string{{"Content-Type", "text/html"}, {"Content-Md5", "x"}}},
		{name: "trace id is not x-amz-", add: [][2]string{{"X-Amzn-Trace-Id", "Root=1"}, {"User-Agent", "curl"}}},
		{name: "x-amz alone is not x-amz-", add: [][2]string{{"X-Amz", "1"}}},
	} {
		for _, presign := range []bool{false, true} {
			name := tc.name + map[bool]string{false: "/header", true: "/presigned"}[presign]
			t.Run(name, func(t *testing.T) {
				r := signFor(t, testRegion, "s3", presign)
				for _, h := range tc.add {
					r.Header.Add(h[0], h[1]) // as the wire would deliver it, not canonicalized
					if http.CanonicalHeaderKey(h[0]) != h[0] {
						r.Header[h[0]] = []string{h[1]}
						delete(r.Header, http.CanonicalHeaderKey(h[0]))
					}
				}
				_, err := Verify(r, testKeys, signTime)
				if tc.want == nil {
					if err != nil {
						t.Fatalf("got %v, want success", err)
					}
					return
				}
				var e *Error
				if !errors.As(err, &e) || e.Kind != ErrUnsignedHeaders || !slices.Equal(e.Unsigned, tc.want) {
					t.Fatalf("got %#v, want %s %v", err, ErrUnsignedHeaders, tc.want)
				}
			})
		}
	}
}

// TestUnsignedHeadersSignedAreFine: x-amz-* headers the signer listed pass,
// whatever the form, and the payload hash header may go unsigned on a
// presigned request as long as it does not change what was signed.
func TestUnsignedHeadersSignedAreFine(t *testing.T) {
	req, _ := http.NewRequest("PUT", "http://h/bucket/key", nil)
	req.Header.Set("X-Amz-Copy-Source", "ap/a.txt")
	req.Header.Set("X-Amz-Meta-Who", "me")
	sdkSign(t, req, nil, "s3", signTime)
	if _, err := Verify(toServer(t, req), testKeys, signTime); err != nil {
		t.Fatalf("signed x-amz headers: %v", err)
	}
	r := signFor(t, testRegion, "s3", true)
	r.Header.Set("X-Amz-Content-Sha256", UnsignedPayload)
	if _, err := Verify(r, testKeys, signTime); err != nil {
		t.Fatalf("presigned with unsigned x-amz-content-sha256: %v", err)
	}
}

// TestUnsignedHeadersAfterSignature: a request with a bad signature gets
// the signature error, not the list of its unsigned headers.
func TestUnsignedHeadersAfterSignature(t *testing.T) {
	r := signFor(t, testRegion, "s3", true)
	r.Header.Set("X-Amz-Copy-Source", "ap/a.txt")
	if _, err := Verify(r, keysOf(testAKID, "wrong"), signTime); KindOf(err) != ErrSignatureMismatch {
		t.Fatalf("got %v, want %s", err, ErrSignatureMismatch)
	}
}
