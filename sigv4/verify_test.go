package sigv4

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// oracleCase is one request the SDK signer signs and Verify must accept.
type oracleCase struct {
	name, service, method, url string
	header                     [][2]string // added in order; repeats are kept
	body                       string
}

var oracleCases = []oracleCase{
	{name: "s3 get", service: "s3", method: "GET", url: "http://bucket.s3.local/key.txt"},
	{name: "s3 path style, port", service: "s3", method: "GET", url: "http://127.0.0.1:9000/bucket/key"},
	{name: "s3 space unicode tilde", service: "s3", method: "GET", url: "http://h/bucket/a%20b/%C3%A9t%C3%A9~x.txt"},
	{name: "s3 encoded slash", service: "s3", method: "PUT", url: "http://h/bucket/dir%2Ffile%2Bplus", body: "hello"},
	{name: "s3 reserved chars", service: "s3", method: "GET", url: "http://h/bucket/%21%27%28%29%2A%3B%40%26%3D%2B%24%2C%25"},
	{name: "s3 sub-delims raw", service: "s3", method: "GET", url: "http://h/bucket/a!$&'()*+,;=:@b"},
	{name: "s3 trailing slash, dots", service: "s3", method: "GET", url: "http://h/bucket/a/./b/../c/"},
	{name: "s3 list query", service: "s3", method: "GET", url: "http://h/bucket?list-type=2&prefix=a%20b%2Fc&delimiter=%2F&max-keys=10"},
	{name: "s3 repeated and empty keys", service: "s3", method: "GET", url: "http://h/bucket?a=2&a=1&a=10&empty=&flag&b=x"},
	{name: "s3 query special chars", service: "s3", method: "GET", url: "http://h/bucket?x=%E2%9C%93&y=*&z=%7E~&w=a+b&v=%2B&k%20ey=1&semi=a;b"},
	{name: "s3 subresource", service: "s3", method: "PUT", url: "http://h/bucket/k?uploadId=abc&partNumber=2", body: strings.Repeat("p", 5000)},
	{name: "s3 headers", service: "s3", method: "PUT", url: "http://h/bucket/obj", body: "data", header: [][2]string{
		{"Content-Type", "text/plain; charset=utf-8"},
		{"X-Amz-Meta-Spaces", "  a   b  c  "},
		{"X-Amz-Meta-Multi", "one"},
		{"X-Amz-Meta-Multi", "two  words"},
		{"X-Amz-Meta-Tab", "a\tb"},
		{"X-Amz-Meta-Utf8", "h\u00e9llo"},
		{"X-Amz-Checksum-Crc32", "NhCmhg=="},
		{"Content-Md5", "jdmiYZ4pRYVeqBmJmS1zMA=="},
	}},
	{name: "s3 unsigned payload", service: "s3", method: "PUT", url: "http://h/bucket/u", body: "unsigned",
		header: [][2]string{{"X-Amz-Content-Sha256", UnsignedPayload}}},
	{name: "s3 control", service: "s3", method: "GET", url: "http://123456789012.s3-control.local/v20180820/accesspoint/ap1",
		header: [][2]string{{"X-Amz-Account-Id", "123456789012"}}},
	{name: "s3 delete objects post", service: "s3", method: "POST", url: "http://h/bucket?delete", body: "<Delete/>"},
	{name: "fsx json", service: "fsx", method: "POST", url: "http://fsx.local/", body: `{"MaxResults":1}`, header: [][2]string{
		{"Content-Type", "application/x-amz-json-1.1"},
		{"X-Amz-Target", "AWSSimbaAPIService_v20180301.DescribeFileSystems"},
	}},
	{name: "fsx empty body", service: "fsx", method: "POST", url: "http://fsx.local/", header: [][2]string{
		{"X-Amz-Target", "AWSSimbaAPIService_v20180301.DescribeVolumes"},
	}},
	{name: "iam query post", service: "iam", method: "POST", url: "http://iam.local/", body: "Action=ListUsers&Version=2010-05-08",
		header: [][2]string{{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}}},
	{name: "sts get", service: "sts", method: "GET", url: "http://sts.local/?Action=GetCallerIdentity&Version=2011-06-15"},
	{name: "iam path double encoded", service: "iam", method: "GET", url: "http://iam.local/a%20b/%C3%A9/%2F~/x"},
	{name: "fsx dot segments unnormalized", service: "fsx", method: "POST", url: "http://fsx.local/a/./b/../c//d", body: "{}"},
}

// newOracleRequest builds the client request of c, signed by the SDK.
func newOracleRequest(t testing.TB, c oracleCase, at time.Time) *http.Request {
	t.Helper()
	var body *strings.Reader
	if c.body != "" {
		body = strings.NewReader(c.body)
	}
	var req *http.Request
	var err error
	if body != nil {
		req, err = http.NewRequest(c.method, c.url, body)
	} else {
		req, err = http.NewRequest(c.method, c.url, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range c.header {
		req.Header.Add(h[0], h[1])
	}
	sdkSign(t, req, []byte(c.body), c.service, at)
	return req
}

func TestVerifyAcceptsSDKSignatures(t *testing.T) {
	for _, c := range oracleCases {
		t.Run(c.name, func(t *testing.T) {
			r := toServer(t, newOracleRequest(t, c, signTime))
			caller, err := Verify(r, testKeys, signTime.Add(time.Minute))
			if err != nil {
				var e *Error
				if errors.As(err, &e) {
					t.Logf("canonical request:\n%s\nstring to sign:\n%s", e.CanonicalRequest, e.StringToSign)
				}
				t.Fatalf("Verify: %v", err)
			}
			want := Caller{AccessKeyID: testAKID, Region: testRegion, Service: c.service, Time: signTime,
				PayloadMode: caller.PayloadMode, DecodedLength: int64(len(c.body))}
			if *caller != want {
				t.Errorf("caller = %+v, want %+v", *caller, want)
			}
			got, err := readBody(r)
			if err != nil || string(got) != c.body {
				t.Errorf("body = %q, %v; want %q", got, err, c.body)
			}
		})
	}
}

// mutation changes one thing about a good request; Verify, or reading the
// body, must then fail with the Kind the table says.
type mutation struct {
	name string
	mut  func(r *http.Request)
	keys Keys
	now  time.Time
	want func(c oracleCase) Kind // "" means the request still verifies
}

func always(k Kind) func(oracleCase) Kind { return func(oracleCase) Kind { return k } }

func setURI(r *http.Request, uri string) {
	r.RequestURI = uri
	u, err := url.ParseRequestURI(uri)
	if err != nil {
		panic(err)
	}
	r.URL = u
}

var mutations = []mutation{
	{name: "method", mut: func(r *http.Request) { r.Method = "PATCH" }, want: always(ErrSignatureMismatch)},
	{name: "path", mut: func(r *http.Request) { setURI(r, "/x"+r.RequestURI) }, want: always(ErrSignatureMismatch)},
	{name: "path case", mut: func(r *http.Request) { setURI(r, strings.ToUpper(r.URL.EscapedPath())+"?"+r.URL.RawQuery) },
		want: func(c oracleCase) Kind {
			if u, _ := url.Parse(c.url); strings.ToUpper(u.EscapedPath()) == u.EscapedPath() {
				return "" // nothing to change case of
			}
			return ErrSignatureMismatch
		}},
	{name: "query added", mut: func(r *http.Request) {
		if r.URL.RawQuery == "" {
			setURI(r, r.RequestURI+"?extra=1")
		} else {
			setURI(r, r.RequestURI+"&extra=1")
		}
	}, want: always(ErrSignatureMismatch)},
	{name: "host", mut: func(r *http.Request) { r.Host = "evil.example" }, want: always(ErrSignatureMismatch)},
	{name: "signed header", mut: func(r *http.Request) {
		r.Header.Set("X-Amz-Date", signTime.Add(time.Second).Format(isoFormat))
	}, want: always(ErrSignatureMismatch)},
	{name: "unsigned header is free", mut: func(r *http.Request) { r.Header.Set("User-Agent", "other") },
		want: always("")},
	{name: "signature", mut: func(r *http.Request) {
		a := r.Header.Get("Authorization")
		last := a[len(a)-1]
		a = a[:len(a)-1] + map[bool]string{true: "1", false: "0"}[last == '0']
		r.Header.Set("Authorization", a)
	}, want: always(ErrSignatureMismatch)},
	{name: "body", mut: func(r *http.Request) {
		b, _ := readBody(r)
		if len(b) > 0 {
			b[0] ^= 1
		}
		r.Body = readCloser{bytes.NewReader(b), r.Body}
	}, want: func(c oracleCase) Kind {
		switch {
		case c.body == "":
			return ""
		case isS3(c.service) && len(c.header) > 0 && c.header[0][1] == UnsignedPayload:
			return ""
		case isS3(c.service):
			return ErrContentSHA256Mismatch
		}
		return ErrSignatureMismatch
	}},
	{name: "secret", keys: keysOf(testAKID, "wrong"), want: always(ErrSignatureMismatch)},
	{name: "unknown key", keys: keysOf("OTHER", testSecret), want: always(ErrUnknownKey)},
	{name: "no auth", mut: func(r *http.Request) { r.Header.Del("Authorization") }, want: always(ErrMissingAuth)},
	{name: "late", now: signTime.Add(MaxSkew + time.Second), want: always(ErrSkew)},
	{name: "early", now: signTime.Add(-MaxSkew - time.Second), want: always(ErrSkew)},
	{name: "late edge", now: signTime.Add(MaxSkew), want: always("")},
	{name: "early edge", now: signTime.Add(-MaxSkew), want: always("")},
}

func TestVerifyRejectsMutations(t *testing.T) {
	for _, c := range oracleCases {
		for _, m := range mutations {
			t.Run(c.name+"/"+m.name, func(t *testing.T) {
				r := toServer(t, newOracleRequest(t, c, signTime))
				if m.mut != nil {
					m.mut(r)
				}
				keys, now := m.keys, m.now
				if keys == nil {
					keys = testKeys
				}
				if now.IsZero() {
					now = signTime
				}
				_, err := Verify(r, keys, now)
				if err == nil {
					_, err = readBody(r)
				}
				if got, want := kindOf(err), m.want(c); got != string(want) && !(want == "" && got == "ok") {
					t.Fatalf("got %s (%v), want %q", got, err, want)
				}
			})
		}
	}
}

func TestVerifyKeysErrorPassesThrough(t *testing.T) {
	boom := errors.New("store down")
	r := toServer(t, newOracleRequest(t, oracleCases[0], signTime))
	_, err := Verify(r, func(context.Context, string) (string, error) { return "", boom }, signTime)
	if !errors.Is(err, boom) || KindOf(err) != "" {
		t.Fatalf("err = %v, want the store error unclassified", err)
	}
}

func TestErrorsIs(t *testing.T) {
	var err error = newErr(ErrSkew, "x")
	if !errors.Is(err, ErrSkew) || errors.Is(err, ErrExpired) || KindOf(err) != ErrSkew {
		t.Fatal("errors.Is does not match on Kind")
	}
}
