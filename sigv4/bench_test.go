package sigv4

import (
	"bytes"
	"io"
	"net/http"
	"testing"
)

// BenchmarkVerifyHeader is the hot path of the S3 data plane: a GET signed
// in the header, as the SDK sends it. The signing key comes from the cache.
func BenchmarkVerifyHeader(b *testing.B) {
	req, _ := http.NewRequest("GET", "http://127.0.0.1:9000/bucket/some/object/key.txt", nil)
	req.Header.Set("Range", "bytes=0-1023")
	req.Header.Set("Amz-Sdk-Invocation-Id", "6275e49c-cde2-4cbb-9434-4cf536f25979")
	req.Header.Set("Amz-Sdk-Request", "attempt=1; max=3")
	sdkSign(b, req, nil, "s3", signTime)
	r := toServer(b, req)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Verify(r, testKeys, signTime); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkChunkedReader decodes 1 MiB sent in 64 KiB chunks.
func BenchmarkChunkedReader(b *testing.B) {
	data := bytes.Repeat([]byte("benchmark data.."), (1<<20)/16)
	for _, mode := range streamingModes {
		b.Run(mode, func(b *testing.B) {
			c := testChunker(mode, 64<<10)
			body := c.encode(data)
			buf := make([]byte, 32<<10)
			src := bytes.NewReader(body)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				src.Reset(body)
				var sig *chunkSigner
				if mode != StreamingUnsignedTrailer {
					sig = newChunkSigner(c.key, c.date, c.scope, c.seed)
				}
				cr := newChunkedReader(io.NopCloser(src), sig, mode != StreamingSigned, int64(len(data)))
				if n, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{cr}, buf); err != nil || n != int64(len(data)) {
					b.Fatal(n, err)
				}
			}
		})
	}
}
