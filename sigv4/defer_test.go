package sigv4

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// verifiedS3Body signs an S3 PUT of body declaring payload as its
// x-amz-content-sha256 and returns the body Verify leaves in place.
func verifiedS3Body(t *testing.T, body, payload string) io.Reader {
	t.Helper()
	req, _ := http.NewRequest("PUT", "http://s3.local/bucket/key", strings.NewReader(body))
	req.Header.Set("X-Amz-Content-Sha256", payload)
	sdkSign(t, req, []byte(body), "s3", signTime)
	r := toServer(t, req)
	if _, err := Verify(r, testKeys, signTime); err != nil {
		t.Fatal(err)
	}
	return r.Body
}

// A deferred body no longer checks itself: its reader hashes and calls
// check, which accepts only the signed digest.
func TestDeferPayloadHash(t *testing.T) {
	const body = "hello, deferred world"
	good, bad := hexSHA256([]byte(body)), hexSHA256([]byte("something else"))
	for _, payload := range []string{good, bad} {
		b := verifiedS3Body(t, body, payload)
		check, ok := DeferPayloadHash(b)
		if !ok {
			t.Fatal("a hex payload hash was not deferred")
		}
		got, err := io.ReadAll(b)
		if err != nil || string(got) != body {
			t.Fatalf("deferred body read %q, %v: it must not check itself", got, err)
		}
		err = check(hexSHA256(got))
		if (payload == good) != (err == nil) {
			t.Errorf("payload %s: check = %v", payload[:8], err)
		}
		if err != nil && KindOf(err) != ErrContentSHA256Mismatch {
			t.Errorf("check error kind %q", KindOf(err))
		}
		for _, s := range []string{"", "zz", good + "00"} {
			if check(s) == nil {
				t.Errorf("check accepted %q", s)
			}
		}
	}
}

// Only an unread hex-digest body defers; anything else keeps its own check.
func TestDeferPayloadHashRefused(t *testing.T) {
	const body = "some bytes"
	b := verifiedS3Body(t, body, hexSHA256([]byte("other bytes")))
	var one [1]byte
	b.Read(one[:])
	if _, ok := DeferPayloadHash(b); ok {
		t.Error("a body already read from was deferred")
	}
	if _, err := io.ReadAll(b); KindOf(err) != ErrContentSHA256Mismatch {
		t.Errorf("undeferred body: %v, want its own mismatch", err)
	}
	if _, ok := DeferPayloadHash(verifiedS3Body(t, body, UnsignedPayload)); ok {
		t.Error("an UNSIGNED-PAYLOAD body was deferred")
	}
	if _, ok := DeferPayloadHash(strings.NewReader(body)); ok {
		t.Error("a plain reader was deferred")
	}
}
