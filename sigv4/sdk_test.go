package sigv4

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// seen is what the test server's handler observed of one request.
type seen struct {
	caller   *Caller
	err      error
	body     []byte
	header   http.Header
	trailers http.Header
}

// s3Server runs Verify in front of a trivial object store and records
// every request, so tests can drive it with the real S3 client.
type s3Server struct {
	*httptest.Server
	mu      sync.Mutex
	log     []seen
	objects map[string][]byte
}

func newS3Server(t *testing.T, tls bool) *s3Server {
	s := &s3Server{objects: map[string][]byte{}}
	h := http.HandlerFunc(s.serve)
	if tls {
		s.Server = httptest.NewTLSServer(h)
	} else {
		s.Server = httptest.NewServer(h)
	}
	t.Cleanup(s.Close)
	return s
}

func (s *s3Server) serve(w http.ResponseWriter, r *http.Request) {
	rec := seen{header: r.Header.Clone()}
	rec.caller, rec.err = Verify(r, testKeys, time.Now())
	if rec.err == nil {
		rec.body, rec.err = io.ReadAll(r.Body)
		rec.trailers = Trailers(r.Body)
	}
	s.mu.Lock()
	s.log = append(s.log, rec)
	if rec.err == nil && r.Method == "PUT" {
		s.objects[r.URL.Path] = rec.body
	}
	obj := s.objects[r.URL.Path]
	s.mu.Unlock()
	if rec.err != nil {
		http.Error(w, rec.err.Error(), http.StatusForbidden)
		return
	}
	w.Header().Set("ETag", `"etag"`)
	if r.Method == "GET" {
		w.Write(obj)
	}
}

func (s *s3Server) last(t *testing.T) seen {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.log) == 0 {
		t.Fatal("the server saw no request")
	}
	return s.log[len(s.log)-1]
}

func (s *s3Server) client() *s3.Client {
	return s3.New(s3.Options{
		Region:       testRegion,
		BaseEndpoint: aws.String(s.URL),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(testAKID, testSecret, ""),
		HTTPClient:   s.Client(),
		Retryer:      aws.NopRetryer{},
	})
}

// TestSDKPutObject records what the SDK sends for PutObject. With the
// default a config.LoadDefaultConfig client gets (checksums "when
// supported"): over plain HTTP it hashes the whole, seekable, body and sends
// the CRC32 as a header, and refuses an unseekable body outright; over HTTPS
// it streams aws-chunked, unsigned, with the CRC32 as a trailer. A client
// made by s3.New with zero Options computes no checksum: over HTTP it still
// hashes the body, over HTTPS it sends UNSIGNED-PAYLOAD.
func TestSDKPutObject(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 300_000/16) // several 64 KiB chunks
	const supported, required = aws.RequestChecksumCalculationWhenSupported, aws.RequestChecksumCalculationUnset
	for _, tc := range []struct {
		name      string
		checksum  aws.RequestChecksumCalculation
		tls, pipe bool
		wantMode  string
		wantCRC   string // "header", "trailer" or ""
		wantErr   string
	}{
		{name: "default/http/seekable", checksum: supported, wantMode: hexSHA256(data), wantCRC: "header"},
		{name: "default/http/unseekable", checksum: supported, pipe: true, wantErr: "unseekable stream is not supported without TLS"},
		{name: "default/https/seekable", checksum: supported, tls: true, wantMode: StreamingUnsignedTrailer, wantCRC: "trailer"},
		{name: "default/https/unseekable", checksum: supported, tls: true, pipe: true, wantMode: StreamingUnsignedTrailer, wantCRC: "trailer"},
		{name: "zero/http/seekable", checksum: required, wantMode: hexSHA256(data)},
		{name: "zero/http/unseekable", checksum: required, pipe: true, wantErr: "request stream is not seekable"},
		{name: "zero/https/seekable", checksum: required, tls: true, wantMode: UnsignedPayload},
		{name: "zero/https/unseekable", checksum: required, tls: true, pipe: true, wantMode: UnsignedPayload},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newS3Server(t, tc.tls)
			var body io.Reader = bytes.NewReader(data)
			if tc.pipe {
				pr, pw := io.Pipe()
				go func() { pw.CloseWithError(copyAll(pw, data)) }()
				defer pr.Close()
				body = pr
			}
			_, err := srv.client().PutObject(context.Background(), &s3.PutObjectInput{
				Bucket: aws.String("bucket"), Key: aws.String("dir/obj ect+1"), Body: body,
			}, func(o *s3.Options) { o.RequestChecksumCalculation = tc.checksum })
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("PutObject err %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := srv.last(t)
			if got.err != nil || !bytes.Equal(got.body, data) {
				t.Fatalf("server: %v, %d bytes", got.err, len(got.body))
			}
			if got.caller.PayloadMode != tc.wantMode {
				t.Fatalf("payload mode %s, want %s", got.caller.PayloadMode, tc.wantMode)
			}
			var crc string
			switch tc.wantCRC {
			case "header":
				crc = got.header.Get("X-Amz-Checksum-Crc32")
			case "trailer":
				crc = got.trailers.Get("X-Amz-Checksum-Crc32")
			}
			if tc.wantCRC != "" && crc != crc32Base64(data) {
				t.Fatalf("crc32 %q, want %q (headers %v, trailers %v)", crc, crc32Base64(data), got.header, got.trailers)
			}
			t.Logf("x-amz-content-sha256=%s content-encoding=%q x-amz-decoded-content-length=%q x-amz-trailer=%q transfer-encoding chunked=%v",
				got.header.Get("X-Amz-Content-Sha256"), got.header.Get("Content-Encoding"),
				got.header.Get("X-Amz-Decoded-Content-Length"), got.header.Get("X-Amz-Trailer"), got.caller.DecodedLength < 0)
		})
	}
}

func copyAll(w io.Writer, data []byte) error {
	// Small writes, so the SDK sees a stream and not one buffer.
	for len(data) > 0 {
		n := min(len(data), 10_000)
		if _, err := w.Write(data[:n]); err != nil {
			return err
		}
		data = data[n:]
	}
	return nil
}

func TestSDKGetAndList(t *testing.T) {
	srv := newS3Server(t, false)
	c := srv.client()
	ctx := context.Background()
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("b"), Key: aws.String("k~é"), Body: strings.NewReader("v")}); err != nil {
		t.Fatal(err)
	}
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("b"), Key: aws.String("k~é"), Range: aws.String("bytes=0-0")})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(out.Body)
	out.Body.Close()
	if string(b) != "v" {
		t.Fatalf("got %q", b)
	}
	// ListObjectsV2's query (list-type=2, prefix with a space, delimiter)
	// fails on the empty XML, but only after the server verified it.
	c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("b"), Prefix: aws.String("a b/"), Delimiter: aws.String("/")})
	if got := srv.last(t); got.err != nil {
		t.Fatal(got.err)
	}
}

func TestSDKPresigned(t *testing.T) {
	srv := newS3Server(t, false)
	pc := s3.NewPresignClient(srv.client(), s3.WithPresignExpires(10*time.Minute))
	ctx := context.Background()
	put, err := pc.PresignPutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String("bucket"), Key: aws.String("pre signed/ключ"), ContentType: aws.String("text/plain"),
	})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(put.Method, put.URL, strings.NewReader("presigned body"))
	for k, vs := range put.SignedHeader {
		if k != "Host" {
			req.Header[k] = vs
		}
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := srv.last(t); got.err != nil || string(got.body) != "presigned body" || !got.caller.Presigned || got.caller.PayloadMode != UnsignedPayload {
		t.Fatalf("presigned PUT: %+v", got)
	}

	get, err := pc.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bucket"), Key: aws.String("pre signed/ключ")})
	if err != nil {
		t.Fatal(err)
	}
	resp, err = srv.Client().Get(get.URL)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "presigned body" {
		t.Fatalf("presigned GET: %d %q", resp.StatusCode, b)
	}
	// The same URL with its signature tampered with is refused.
	resp, err = srv.Client().Get(strings.Replace(get.URL, "X-Amz-Signature=", "X-Amz-Signature=0", 1)[:len(get.URL)])
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := srv.last(t); resp.StatusCode != http.StatusForbidden || KindOf(got.err) != ErrSignatureMismatch && KindOf(got.err) != ErrMalformed {
		t.Fatalf("tampered GET: %d %v", resp.StatusCode, got.err)
	}
}

func crc32Base64(b []byte) string {
	var s [4]byte
	binary.BigEndian.PutUint32(s[:], crc32.ChecksumIEEE(b))
	return base64.StdEncoding.EncodeToString(s[:])
}

// TestSDKPutObjectLarge: with a known length the SDK sends the whole body
// as one unsigned chunk, so unsigned chunks must not be size-capped.
func TestSDKPutObjectLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("17 MiB upload")
	}
	data := bytes.Repeat([]byte{0xa5}, MaxChunk+1<<20)
	srv := newS3Server(t, true)
	_, err := srv.client().PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String("bucket"), Key: aws.String("large"), Body: bytes.NewReader(data),
	}, func(o *s3.Options) { o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenSupported })
	if err != nil {
		t.Fatal(err)
	}
	if got := srv.last(t); got.err != nil || !bytes.Equal(got.body, data) || got.trailers.Get("X-Amz-Checksum-Crc32") != crc32Base64(data) {
		t.Fatalf("server: %v, %d bytes, trailers %v", got.err, len(got.body), got.trailers)
	}
}
