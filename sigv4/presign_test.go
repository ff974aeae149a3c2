package sigv4

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

var presignCases = []oracleCase{
	{name: "s3 get", service: "s3", method: "GET", url: "http://bucket.s3.local/key.txt"},
	{name: "s3 get odd key", service: "s3", method: "GET", url: "http://h/bucket/a%20b/%C3%A9~%2F%2B.txt"},
	{name: "s3 get with query", service: "s3", method: "GET", url: "http://h/bucket/k?response-content-type=text%2Fplain&versionId=v%201&a=&a=z"},
	{name: "s3 put signed content-type", service: "s3", method: "PUT", url: "http://h/bucket/up",
		header: [][2]string{{"Content-Type", "image/png"}, {"X-Amz-Meta-Who", "me"}}},
	{name: "s3 hoisted x-amz header", service: "s3", method: "PUT", url: "http://h/bucket/up",
		header: [][2]string{{"X-Amz-Acl", "private"}, {"X-Amz-Request-Payer", "requester"}}},
	{name: "sts get caller identity", service: "sts", method: "GET", url: "http://sts.local/?Action=GetCallerIdentity&Version=2011-06-15"},
}

func presignedRequest(t testing.TB, c oracleCase, expires time.Duration) *http.Request {
	t.Helper()
	req, err := http.NewRequest(c.method, c.url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range c.header {
		req.Header.Add(h[0], h[1])
	}
	return toServer(t, sdkPresign(t, req, c.service, signTime, expires))
}

func TestVerifyPresigned(t *testing.T) {
	const exp = 900 * time.Second
	for _, c := range presignCases {
		for _, tc := range []struct {
			name string
			now  time.Time
			mut  func(r *http.Request)
			want Kind
		}{
			{name: "ok", now: signTime.Add(time.Minute)},
			{name: "at expiry", now: signTime.Add(exp)},
			{name: "expired", now: signTime.Add(exp + time.Second), want: ErrExpired},
			{name: "skewed early ok", now: signTime.Add(-MaxSkew)},
			{name: "not yet valid", now: signTime.Add(-MaxSkew - time.Second), want: ErrExpired},
			{name: "expires changed", mut: queryEdit("X-Amz-Expires", "901"), want: ErrSignatureMismatch},
			{name: "expires zero", mut: queryEdit("X-Amz-Expires", "0"), want: ErrMalformed},
			{name: "expires too long", mut: queryEdit("X-Amz-Expires", "604801"), want: ErrMalformed},
			{name: "no signature", mut: queryEdit("X-Amz-Signature", ""), want: ErrMalformed},
			{name: "bad algorithm", mut: queryEdit("X-Amz-Algorithm", "AWS4-ECDSA-P256-SHA256"), want: ErrMalformed},
			{name: "scope date differs", mut: queryEdit("X-Amz-Date", signTime.Add(24*time.Hour).Format(isoFormat)), want: ErrMalformed},
			{name: "query param added", mut: queryEdit("extra", "1"), want: ErrSignatureMismatch},
			{name: "method", mut: func(r *http.Request) { r.Method = "DELETE" }, want: ErrSignatureMismatch},
			{name: "also header auth", mut: func(r *http.Request) {
				r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=x")
			}, want: ErrMalformed},
		} {
			t.Run(c.name+"/"+tc.name, func(t *testing.T) {
				r := presignedRequest(t, c, exp)
				if tc.mut != nil {
					tc.mut(r)
				}
				now := tc.now
				if now.IsZero() {
					now = signTime
				}
				caller, err := Verify(r, testKeys, now)
				if got := kindOf(err); got != string(tc.want) && !(tc.want == "" && got == "ok") {
					t.Fatalf("got %s (%v), want %q; url %s", got, err, tc.want, r.RequestURI)
				}
				if err == nil && (!caller.Presigned || caller.Service != c.service || !caller.Time.Equal(signTime)) {
					t.Errorf("caller = %+v", caller)
				}
			})
		}
	}
}

// queryEdit sets (or with "" removes) one query parameter, keeping the rest
// of the raw query as sent.
func queryEdit(key, value string) func(r *http.Request) {
	return func(r *http.Request) {
		var out []string
		found := false
		for _, kv := range strings.Split(r.URL.RawQuery, "&") {
			if k, _, _ := strings.Cut(kv, "="); k == key {
				found = true
				if value != "" {
					out = append(out, key+"="+url.QueryEscape(value))
				}
				continue
			}
			out = append(out, kv)
		}
		if !found {
			out = append(out, key+"="+url.QueryEscape(value))
		}
		setURI(r, r.URL.EscapedPath()+"?"+strings.Join(out, "&"))
	}
}

func TestPresignedContentSHA256(t *testing.T) {
	// A presigned PUT may pin its body with x-amz-content-sha256.
	body := "pinned body"
	req, _ := http.NewRequest("PUT", "http://h/bucket/k", nil)
	req.Header.Set("X-Amz-Content-Sha256", hexSHA256([]byte(body)))
	out := sdkPresign(t, req, "s3", signTime, time.Hour)
	out.Header.Set("X-Amz-Content-Sha256", hexSHA256([]byte(body)))
	out.Body, out.ContentLength = readCloser{strings.NewReader("pinned bodz"), http.NoBody}, int64(len(body))
	r := toServer(t, out)
	if _, err := Verify(r, testKeys, signTime); err != nil {
		t.Fatal(err)
	}
	if _, err := readBody(r); KindOf(err) != ErrContentSHA256Mismatch {
		t.Fatalf("read err = %v, want content sha256 mismatch", err)
	}
}

func TestNormalizedPathFallback(t *testing.T) {
	// A client that normalizes before signing (as the AWS docs say) and
	// sends the path unnormalized is accepted for non-S3 services.
	req, _ := http.NewRequest("POST", "http://fsx.local/a/c/d", strings.NewReader("{}"))
	sdkSign(t, req, []byte("{}"), "fsx", signTime)
	r := toServer(t, req)
	setURI(r, "/a/./b/../c//d")
	if _, err := Verify(r, testKeys, signTime); err != nil {
		t.Fatal(err)
	}
	// S3 never normalizes: the same trick must fail there.
	req, _ = http.NewRequest("GET", "http://h/a/c/d", nil)
	sdkSign(t, req, nil, "s3", signTime)
	r = toServer(t, req)
	setURI(r, "/a/./b/../c//d")
	if _, err := Verify(r, testKeys, signTime); KindOf(err) != ErrSignatureMismatch {
		t.Fatalf("s3 err = %v, want mismatch", err)
	}
}
