package sigv4

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// checkKind fails unless err is nil or one of this package's errors: a
// parser must never leak a foreign error or panic on hostile input.
func checkKind(t *testing.T, err error) {
	t.Helper()
	var e *Error
	if err != nil && !errors.As(err, &e) {
		t.Fatalf("foreign error %T: %v", err, err)
	}
}

func FuzzParseAuthorization(f *testing.F) {
	for _, c := range oracleCases {
		f.Add(newOracleRequest(f, c, signTime).Header.Get("Authorization"))
	}
	for _, s := range []string{
		"AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
		"AWS4-HMAC-SHA256  Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41 ,, Credential=A/20130524/r/s/aws4_request\tSignedHeaders=host",
		"AWS4-HMAC-SHA256 Credential=A/20130524/r/s/aws4_request, Credential=A/20130524/r/s/aws4_request",
		"AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=",
		"AWS4-HMAC-SHA256",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		a, err := parseAuthorization(h)
		checkKind(t, err)
		if err != nil {
			return
		}
		again, err := parseAuthorization(a.String())
		if err != nil || again != a {
			t.Fatalf("%q parsed to %+v, re-serialized as %q, reparsed to %+v, %v", h, a, a.String(), again, err)
		}
	})
}

func FuzzChunkedReader(f *testing.F) {
	data := []byte("some payload bytes for the seed corpus")
	for i, mode := range streamingModes {
		f.Add(testChunker(mode, 5).encode(data), data, byte(i), uint16(5))
	}
	f.Add(docChunkedBody(docChunkSigs, ""), []byte{}, byte(0), uint16(1))
	f.Add([]byte("ffffffffffffffff;chunk-signature=\r\n"), []byte("x"), byte(1), uint16(0))
	f.Add([]byte("5\r\nhello\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n"), []byte{0}, byte(2), uint16(65535))
	f.Fuzz(func(t *testing.T, body, payload []byte, m byte, chunk uint16) {
		mode := streamingModes[int(m)%len(streamingModes)]
		c := testChunker(mode, int(chunk)+1)

		// Arbitrary bytes: any verdict, but no panic, no foreign error,
		// and never more output than input.
		got, err := io.ReadAll(c.reader(body, -1))
		checkKind(t, err)
		if len(got) > len(body) {
			t.Fatalf("decoded %d bytes from %d", len(got), len(body))
		}

		// What the encoder makes round-trips, with and without a length.
		enc := c.encode(payload)
		for _, want := range []int64{-1, int64(len(payload))} {
			cr := c.reader(enc, want)
			got, err = io.ReadAll(cr)
			if err != nil || !bytes.Equal(got, payload) {
				t.Fatalf("%s: round trip of %d bytes gave %d, %v", mode, len(payload), len(got), err)
			}
			if mode != StreamingSigned && Trailers(cr).Get("x-amz-checksum-crc32") == "" {
				t.Fatalf("%s: trailer lost", mode)
			}
		}
	})
}

func FuzzPresignedQuery(f *testing.F) {
	for _, c := range presignCases {
		f.Add(presignedRequest(f, c, time.Hour).URL.RawQuery)
	}
	f.Add("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
	f.Add("X-Amz-Signature&X-Amz-Signature=%zz&a=%")
	f.Add("X-Amz-Expires=-1&X-Amz-Credential=a/b/c/d/e;&&=")
	f.Fuzz(func(t *testing.T, raw string) {
		// The whole of Verify on a request carrying only this query.
		r := &http.Request{
			Method: "GET", Host: "h", Header: http.Header{}, Body: http.NoBody,
			URL: &url.URL{Path: "/bucket/key", RawQuery: raw}, RequestURI: "/bucket/key?" + raw,
		}
		_, err := Verify(r, testKeys, signTime)
		checkKind(t, err)

		// A query that parses as presigned says the same thing once
		// re-encoded canonically (with its signature appended back).
		ps, err := parseQuery(raw)
		checkKind(t, err)
		if err != nil || !isPresigned(ps) {
			return
		}
		p, err := parsePresigned(ps)
		checkKind(t, err)
		if err != nil {
			return
		}
		canon := string(appendCanonicalQuery(nil, ps, true)) + "&X-Amz-Signature=" + p.Signature
		ps2, err := parseQuery(canon)
		if err != nil {
			t.Fatalf("canonical query %q does not parse: %v", canon, err)
		}
		p2, err := parsePresigned(ps2)
		if err != nil || p2 != p {
			t.Fatalf("%q and its canonical form %q disagree: %+v vs %+v, %v", raw, canon, p, p2, err)
		}
	})
}
