package sigv4

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The AWS S3 documentation's worked examples ("Signature Calculations for
// the Authorization Header", "Authenticating Requests: Using Query
// Parameters", "Transferring Payload in Multiple Chunks"), kept as raw
// requests in testdata/awsdocs. They check this package against AWS's own
// numbers rather than against the SDK.
var (
	docTime = time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC)
	docKeys = keysOf("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
)

func readDocRequest(t *testing.T, name string, body []byte) *http.Request {
	t.Helper()
	head, err := os.ReadFile(filepath.Join("testdata", "awsdocs", name))
	if err != nil {
		t.Fatal(err)
	}
	r, err := http.ReadRequest(bufio.NewReader(io.MultiReader(bytes.NewReader(head), bytes.NewReader(body))))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestAWSDocExamples(t *testing.T) {
	for _, tc := range []struct{ file, body string }{
		{"get-object.http", ""},
		{"put-object.http", "Welcome to Amazon S3."},
		{"get-lifecycle.http", ""},
		{"list-objects.http", ""},
		{"presigned-get.http", ""},
	} {
		t.Run(tc.file, func(t *testing.T) {
			r := readDocRequest(t, tc.file, nil)
			if _, err := Verify(r, docKeys, docTime); err != nil {
				t.Fatal(err)
			}
			if b, err := readBody(r); err != nil || string(b) != tc.body {
				t.Fatalf("body %q, %v", b, err)
			}
		})
	}
}

// docChunkedBody is the example's 66560 bytes of 'a' in chunks of 64 KiB,
// 1 KiB and 0, with the signatures the documentation prints.
func docChunkedBody(sigs [3]string, trailer string) []byte {
	var b bytes.Buffer
	b.WriteString("10000;chunk-signature=" + sigs[0] + "\r\n" + strings.Repeat("a", 65536) + "\r\n")
	b.WriteString("400;chunk-signature=" + sigs[1] + "\r\n" + strings.Repeat("a", 1024) + "\r\n")
	b.WriteString("0;chunk-signature=" + sigs[2] + "\r\n" + trailer + "\r\n")
	return b.Bytes()
}

var docChunkSigs = [3]string{
	"ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
	"0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
	"b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
}

func TestAWSDocChunkedUpload(t *testing.T) {
	body := docChunkedBody(docChunkSigs, "")
	r := readDocRequest(t, "put-chunked.http", body)
	caller, err := Verify(r, docKeys, docTime)
	if err != nil {
		t.Fatal(err)
	}
	if caller.PayloadMode != StreamingSigned || caller.DecodedLength != 66560 || r.ContentLength != 66560 {
		t.Fatalf("caller %+v, content length %d", caller, r.ContentLength)
	}
	got, err := readBody(r)
	if err != nil || !bytes.Equal(got, bytes.Repeat([]byte("a"), 66560)) {
		t.Fatalf("decoded %d bytes, %v", len(got), err)
	}

	// The same body with one data byte changed fails on its chunk.
	bad := bytes.Replace(body, []byte("\r\naaaa"), []byte("\r\nbaaa"), 1)
	r = readDocRequest(t, "put-chunked.http", bad)
	if _, err := Verify(r, docKeys, docTime); err != nil {
		t.Fatal(err)
	}
	if _, err := readBody(r); KindOf(err) != ErrChunkSignature {
		t.Fatalf("err = %v, want chunk signature", err)
	}
}

// The trailer example's request headers are not all printed, so its chain
// is checked from the printed seed signature on.
func TestAWSDocChunkedTrailer(t *testing.T) {
	const seed = "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e"
	sigs := [3]string{
		"b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2",
		"1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7",
		"2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992",
	}
	trailer := "x-amz-checksum-crc32c:sOO8/Q==\r\n" +
		"x-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n"
	c := credential{"AKIAIOSFODNN7EXAMPLE", "20130524", "us-east-1", "s3"}
	key := deriveKey("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", c)
	for _, tc := range []struct {
		name string
		body string
		want Kind
	}{
		{"as printed", string(docChunkedBody(sigs, trailer)), ""},
		{"LF then blank line before signature", strings.Replace(string(docChunkedBody(sigs, trailer)),
			"==\r\nx-amz-trailer", "==\n\r\nx-amz-trailer", 1), ""},
		{"trailer value changed", strings.Replace(string(docChunkedBody(sigs, trailer)), "sOO8", "sOO9", 1), ErrChunkSignature},
		{"trailer signature changed", strings.Replace(string(docChunkedBody(sigs, trailer)), ":d81f", ":d81e", 1), ErrChunkSignature},
		{"trailer signature missing", string(docChunkedBody(sigs, "x-amz-checksum-crc32c:sOO8/Q==\r\n")), ErrIncompleteBody},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cr := newChunkedReader(io.NopCloser(strings.NewReader(tc.body)),
				newChunkSigner(key, "20130524T000000Z", c.scope(), seed), true, 66560)
			got, err := io.ReadAll(cr)
			if KindOf(err) != tc.want {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if tc.want != "" {
				return
			}
			if len(got) != 66560 || Trailers(cr).Get("X-Amz-Checksum-Crc32c") != "sOO8/Q==" {
				t.Fatalf("decoded %d bytes, trailers %v", len(got), Trailers(cr))
			}
		})
	}
}
