package sigv4

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

const (
	goodCred = "AKID/20260102/us-east-1/fsx/aws4_request"
	goodSig  = "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
)

func TestParseAuthorization(t *testing.T) {
	ok := authorization{
		Credential:    credential{"AKID", "20260102", "us-east-1", "fsx"},
		SignedHeaders: "host;x-amz-date",
		Signature:     goodSig,
	}
	for _, tc := range []struct {
		h  string
		ok bool
	}{
		{"AWS4-HMAC-SHA256 Credential=" + goodCred + ", SignedHeaders=host;x-amz-date, Signature=" + goodSig, true},
		{"AWS4-HMAC-SHA256 Credential=" + goodCred + ",SignedHeaders=host;x-amz-date,Signature=" + goodSig, true},
		{"AWS4-HMAC-SHA256   Credential=" + goodCred + " ,\tSignedHeaders=host;x-amz-date ,, Signature=" + goodSig + ",", true},
		{"AWS4-HMAC-SHA256 Signature=" + goodSig + ", Credential=" + goodCred + ", SignedHeaders=host;x-amz-date", true},
		{"AWS4-HMAC-SHA256 Credential=" + goodCred + " SignedHeaders=host;x-amz-date Signature=" + goodSig, true},
		{"AWS4-HMAC-SHA256 Credential=" + goodCred + ", SignedHeaders=host;x-amz-date", false},
		{"AWS4-HMAC-SHA256 Credential=" + goodCred + ", Credential=" + goodCred + ", SignedHeaders=host, Signature=" + goodSig, false},
		{"AWS4-HMAC-SHA256 Credential=" + goodCred + ", SignedHeaders=host, Signature=" + goodSig + ", Foo=bar", false},
		{"AWS4-HMAC-SHA256Credential=" + goodCred + ", SignedHeaders=host, Signature=" + goodSig, false},
		{"aws4-hmac-sha256 Credential=" + goodCred + ", SignedHeaders=host, Signature=" + goodSig, false},
		{"AWS4-ECDSA-P256-SHA256 Credential=AKID/20260102/fsx/aws4_request, SignedHeaders=host, Signature=" + goodSig, false},
		{"AWS4-HMAC-SHA256 Credential=AKID/20260102/us-east-1/aws4_request, SignedHeaders=host, Signature=" + goodSig, false},
		{"AWS4-HMAC-SHA256 Credential=AKID/20261302/us-east-1/fsx/aws4_request, SignedHeaders=host, Signature=" + goodSig, false},
		{"AWS4-HMAC-SHA256 Credential=AKID/20260102/us-east-1/fsx/aws4_requests, SignedHeaders=host, Signature=" + goodSig, false},
		{"AWS4-HMAC-SHA256 Credential=AKID/20260102//fsx/aws4_request, SignedHeaders=host, Signature=" + goodSig, false},
		{"AWS4-HMAC-SHA256 Credential=" + goodCred + ", SignedHeaders=x-amz-date, Signature=" + goodSig, false},
		{"AWS4-HMAC-SHA256 Credential=" + goodCred + ", SignedHeaders=host;;x-amz-date, Signature=" + goodSig, false},
		{"AWS4-HMAC-SHA256 Credential=" + goodCred + ", SignedHeaders=host, Signature=" + goodSig[1:], false},
		{"AWS4-HMAC-SHA256 Credential=" + goodCred + ", SignedHeaders=host, Signature=" + strings.Repeat("z", 64), false},
	} {
		a, err := parseAuthorization(tc.h)
		switch {
		case tc.ok && err != nil:
			t.Errorf("%q: %v", tc.h, err)
		case tc.ok && a != ok:
			t.Errorf("%q: parsed to %+v", tc.h, a)
		case !tc.ok && KindOf(err) != ErrMalformed:
			t.Errorf("%q: err %v, want malformed", tc.h, err)
		}
	}
}

func TestSigV2IsNamed(t *testing.T) {
	hdr, _ := http.NewRequest("GET", "http://s3.local/b/k", nil)
	hdr.Header.Set("Authorization", "AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=")
	pre, _ := http.NewRequest("GET", "http://s3.local/b/k?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1767225600&Signature=abc%3D", nil)
	unsigned, _ := http.NewRequest("GET", "http://s3.local/b/k?Expires=1", nil)
	for _, c := range []struct {
		r    *http.Request
		want Kind
	}{{hdr, ErrSigV2}, {pre, ErrSigV2}, {unsigned, ErrMissingAuth}} {
		ps, err := parseQuery(c.r.URL.RawQuery)
		if err != nil {
			t.Fatal(err)
		}
		_, err = parseSigned(c.r, ps, signTime)
		if KindOf(err) != c.want {
			t.Errorf("%s %v: %v, want %v", c.r.URL, c.r.Header, err, c.want)
		}
	}
}

func TestParseScope(t *testing.T) {
	hdr, _ := http.NewRequest("POST", "http://fsx.local/", nil)
	hdr.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+goodCred+", SignedHeaders=host, Signature="+goodSig)
	pre, _ := http.NewRequest("GET", "http://h/b/k?X-Amz-Credential=AKID%2F20260102%2Feu-west-1%2Fs3%2Faws4_request", nil)
	none, _ := http.NewRequest("GET", "http://h/b/k", nil)
	for _, tc := range []struct {
		r                     *http.Request
		akid, region, service string
		ok                    bool
	}{
		{hdr, "AKID", "us-east-1", "fsx", true},
		{pre, "AKID", "eu-west-1", "s3", true},
		{none, "", "", "", false},
	} {
		akid, region, service, ok := ParseScope(tc.r)
		if akid != tc.akid || region != tc.region || service != tc.service || ok != tc.ok {
			t.Errorf("%s: got %q %q %q %v", tc.r.URL, akid, region, service, ok)
		}
	}
}

// TestDateHeaderFallback signs by hand, from a canonical request written
// out in full, a request that carries Date and no X-Amz-Date.
func TestDateHeaderFallback(t *testing.T) {
	const date = "Fri, 02 Jan 2026 03:04:05 GMT"
	canon := "GET\n/\nAction=GetCallerIdentity&Version=2011-06-15\n" +
		"date:" + date + "\nhost:sts.local\n\ndate;host\n" + emptySHA256
	scope := credential{testAKID, "20260102", testRegion, "sts"}
	sts := "AWS4-HMAC-SHA256\n20260102T030405Z\n" + scope.scope() + "\n" + hexSHA256([]byte(canon))
	req, _ := http.NewRequest("GET", "http://sts.local/?Version=2011-06-15&Action=GetCallerIdentity", nil)
	req.Header.Set("Date", date)
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+testAKID+"/"+scope.scope()+
		", SignedHeaders=date;host, Signature="+testMAC(deriveKey(testSecret, scope), sts))
	caller, err := Verify(toServer(t, req), testKeys, signTime)
	if err != nil || !caller.Time.Equal(signTime) {
		t.Fatalf("caller %+v, %v", caller, err)
	}
	req.Header.Del("Date")
	if _, err := Verify(toServer(t, req), testKeys, signTime); KindOf(err) != ErrMalformed {
		t.Fatalf("no date: %v", err)
	}
}

func TestHashedBodyLimit(t *testing.T) {
	body := strings.Repeat("x", MaxHashedBody+1)
	req, _ := http.NewRequest("POST", "http://fsx.local/", strings.NewReader(body))
	sdkSign(t, req, []byte(body), "fsx", signTime)
	if _, err := Verify(toServer(t, req), testKeys, signTime); KindOf(err) != ErrMalformed {
		t.Fatalf("err %v, want malformed", err)
	}
}

func TestSigningKeyCache(t *testing.T) {
	c := credential{"AKID", "20260102", "us-east-1", "s3"}
	if string(signingKey("a", c).key) != string(deriveKey("a", c)) {
		t.Fatal("cached key differs from derived key")
	}
	if string(signingKey("b", c).key) == string(signingKey("a", c).key) {
		t.Fatal("a changed secret hit the old key")
	}
	day := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 2 * maxCachedKeys {
		c.Date = day.AddDate(0, 0, i).Format("20060102")
		signingKey("a", c)
	}
	keyCache.Lock()
	n := len(keyCache.m)
	keyCache.Unlock()
	if n > maxCachedKeys {
		t.Fatalf("cache grew to %d entries", n)
	}
}

// TestParseHTTPDate: every form HTTP allows, the RFC 1123 variants real
// signers send, and no zone name that is not UTC.
func TestParseHTTPDate(t *testing.T) {
	want := time.Date(2026, 12, 5, 6, 10, 43, 0, time.UTC)
	for _, d := range []string{
		"Sat, 05 Dec 2026 06:10:43 GMT", "Sat, 05 Dec 2026 06:10:43 UTC",
		"Sat, 05 Dec 2026 06:10:43 +0000", "Sat, 05 Dec 2026 06:10:43 -0000",
		"Sat, 05 Dec 2026 07:10:43 +0100", "Saturday, 05-Dec-26 06:10:43 GMT",
		"Sat Dec  5 06:10:43 2026", " Sat, 05 Dec 2026 06:10:43 GMT ",
	} {
		if got, err := parseHTTPDate(d); err != nil || !got.Equal(want) {
			t.Errorf("%q: %v %v", d, got, err)
		}
	}
	for _, d := range []string{"Sat, 05 Dec 2026 06:10:43 EST", "20261205T061043Z", "", "Sat, 05 Dec 2026"} {
		if _, err := parseHTTPDate(d); err == nil {
			t.Errorf("%q accepted", d)
		}
	}
}
