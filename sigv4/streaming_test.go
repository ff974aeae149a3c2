package sigv4

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// streamingRequest is a PUT whose headers the SDK signer signs with the
// streaming payload hash mode and whose body the test chunker encodes from
// the resulting seed signature, as a chunk-signing client does.
func streamingRequest(t testing.TB, mode string, data []byte, chunk int, edit func(*chunker)) *http.Request {
	t.Helper()
	c := testChunker(mode, chunk)
	req, err := http.NewRequest("PUT", "http://h/bucket/streamed", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(len(c.encode(data))) // signatures are fixed-width
	req.Header.Set("Content-Encoding", "aws-chunked")
	req.Header.Set("X-Amz-Decoded-Content-Length", strconv.Itoa(len(data)))
	req.Header.Set("X-Amz-Content-Sha256", mode)
	if mode != StreamingSigned {
		req.Header.Set("X-Amz-Trailer", "x-amz-checksum-crc32")
	}
	sdkSign(t, req, nil, "s3", signTime)
	a := req.Header.Get("Authorization")
	c.seed = a[strings.LastIndex(a, "=")+1:]
	if edit != nil {
		edit(&c)
	}
	req.Body = io.NopCloser(bytes.NewReader(c.encode(data)))
	return toServer(t, req)
}

func TestVerifyStreaming(t *testing.T) {
	data := bytes.Repeat([]byte("streaming body "), 10000)
	for _, mode := range streamingModes {
		t.Run(mode, func(t *testing.T) {
			r := streamingRequest(t, mode, data, 65536, nil)
			caller, err := Verify(r, testKeys, signTime)
			if err != nil {
				t.Fatal(err)
			}
			if caller.PayloadMode != mode || caller.DecodedLength != int64(len(data)) || r.ContentLength != int64(len(data)) {
				t.Fatalf("caller %+v, content length %d", caller, r.ContentLength)
			}
			got, err := readBody(r)
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("decoded %d bytes, %v", len(got), err)
			}
			if tr := Trailers(r.Body); mode != StreamingSigned && tr.Get("X-Amz-Checksum-Crc32") != "NhCmhg==" {
				t.Fatalf("trailers %v", tr)
			}
		})
		if mode == StreamingUnsignedTrailer {
			continue
		}
		t.Run(mode+"/wrong seed", func(t *testing.T) {
			r := streamingRequest(t, mode, data, 65536, func(c *chunker) { c.seed = testSeed })
			if _, err := Verify(r, testKeys, signTime); err != nil {
				t.Fatal(err)
			}
			if _, err := readBody(r); KindOf(err) != ErrChunkSignature {
				t.Fatalf("err %v, want chunk signature", err)
			}
		})
		t.Run(mode+"/other secret", func(t *testing.T) {
			r := streamingRequest(t, mode, data, 65536, func(c *chunker) { c.key = deriveKey("other", testScope) })
			if _, err := Verify(r, testKeys, signTime); err != nil {
				t.Fatal(err)
			}
			if _, err := readBody(r); KindOf(err) != ErrChunkSignature {
				t.Fatalf("err %v, want chunk signature", err)
			}
		})
	}
}

func TestVerifyStreamingRejectsPresigned(t *testing.T) {
	req, _ := http.NewRequest("PUT", "http://h/bucket/k", nil)
	req.Header.Set("X-Amz-Content-Sha256", StreamingSigned)
	r := toServer(t, sdkPresign(t, req, "s3", signTime, 3600e9))
	if _, err := Verify(r, testKeys, signTime); KindOf(err) != ErrMalformed {
		t.Fatalf("err %v, want malformed", err)
	}
}

func TestVerifyBadContentSHA256(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  Kind
	}{
		{"", ErrMissingContentSHA256}, // S3 requires it
		{"not-a-hash", ErrBadContentSHA256},
		{strings.Repeat("0", 64), ErrContentSHA256Mismatch}, // empty body, wrong hash: caught before any read
		{"STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD", ErrBadContentSHA256},
	} {
		req, _ := http.NewRequest("GET", "http://h/bucket/k", nil)
		req.Header.Set("X-Amz-Content-Sha256", tc.value) // signed as the payload hash
		sdkSign(t, req, nil, "s3", signTime)
		if tc.value == "" {
			req.Header.Del("X-Amz-Content-Sha256")
		}
		if _, err := Verify(toServer(t, req), testKeys, signTime); KindOf(err) != tc.want {
			t.Errorf("x-amz-content-sha256 %q: err %v, want %q", tc.value, err, tc.want)
		}
	}
}
