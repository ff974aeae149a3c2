package sigv4

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/iotest"
)

// TestBufferBody: Verify checks the hash of a body BufferBody read,
// without reading it again; the buffer grows with what arrives, not with
// what is declared; a body over the limit is refused, declared or not;
// grow can refuse.
func TestBufferBody(t *testing.T) {
	body := `{"VolumeIds":["fsvol-0123456789abcdef0"]}`
	req, _ := http.NewRequest("POST", "http://fsx.local/", strings.NewReader(body))
	sdkSign(t, req, []byte(body), "fsx", signTime)
	r := toServer(t, req)
	if !HashesBody(r) {
		t.Fatal("HashesBody: false for an fsx request without x-amz-content-sha256")
	}
	if err := BufferBody(r, MaxHashedBody, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(r, testKeys, signTime); err != nil {
		t.Fatalf("Verify after BufferBody: %v", err)
	}
	if b, err := io.ReadAll(r.Body); err != nil || string(b) != body {
		t.Fatalf("body after Verify: %q, %v", b, err)
	}

	// 10 bytes of a declared MiB, then the end: incomplete, and the
	// buffer never grew past what arrived.
	r, _ = http.NewRequest("POST", "http://fsx.local/", io.MultiReader(strings.NewReader(strings.Repeat("x", 10)), iotest.ErrReader(io.ErrUnexpectedEOF)))
	r.ContentLength = MaxHashedBody
	largest := 0
	err := BufferBody(r, MaxHashedBody, func(n int) error { largest = max(largest, n); return nil })
	if KindOf(err) != ErrIncompleteBody || largest > 1024 {
		t.Fatalf("short body: %v, grew to %d", err, largest)
	}

	// Over the limit without a declared length (chunked transfer).
	r, _ = http.NewRequest("POST", "http://fsx.local/", io.NopCloser(strings.NewReader(strings.Repeat("x", 2048))))
	r.ContentLength = -1
	if err := BufferBody(r, 1024, nil); KindOf(err) != ErrMalformed {
		t.Fatalf("2 KiB sent, limit 1 KiB: %v", err)
	}
	// Declared over the limit: refused unread.
	r, _ = http.NewRequest("POST", "http://fsx.local/", strings.NewReader(strings.Repeat("x", 2048)))
	if err := BufferBody(r, 1024, func(int) error { t.Fatal("read a body declared too long"); return nil }); KindOf(err) != ErrMalformed {
		t.Fatalf("2 KiB declared, limit 1 KiB: %v", err)
	}
	// grow refuses.
	refused := errors.New("no")
	r, _ = http.NewRequest("POST", "http://fsx.local/", strings.NewReader(strings.Repeat("x", 2048)))
	if err := BufferBody(r, MaxHashedBody, func(n int) error {
		if n > 1024 {
			return refused
		}
		return nil
	}); err != refused {
		t.Fatalf("grow refused: %v", err)
	}
}

// TestHashesBody: only bodies signed by hash without x-amz-content-sha256
// for a service other than S3 must be read before verification.
func TestHashesBody(t *testing.T) {
	for _, c := range []struct {
		service string
		header  bool // x-amz-content-sha256 sent
		want    bool
	}{
		{"fsx", false, true}, {"iam", false, true}, {"sts", false, true},
		{"fsx", true, false}, {"s3", true, false},
	} {
		req, _ := http.NewRequest("POST", "http://x.local/", strings.NewReader("a=b"))
		if c.header {
			req.Header.Set("X-Amz-Content-Sha256", hexSHA256([]byte("a=b")))
		}
		sdkSign(t, req, []byte("a=b"), c.service, signTime)
		if got := HashesBody(toServer(t, req)); got != c.want {
			t.Errorf("%s, header %v: %v", c.service, c.header, got)
		}
	}
}
