package sigv4

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"testing/iotest"
)

// chunker is the test's own aws-chunked encoder, written from the spec
// with its own HMAC code so it shares no bug with the decoder. It is
// checked against the AWS documentation's example in TestChunkerMatchesDocs.
type chunker struct {
	mode        string // one of the STREAMING-* payload hashes
	key         []byte // signing key; unused for the unsigned mode
	date, scope string
	seed        string
	chunk       int         // data bytes per chunk
	trailers    [][2]string // sent after the final chunk in trailer modes
}

func testMAC(key []byte, s string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(s))
	return hex.EncodeToString(m.Sum(nil))
}

func (c chunker) encode(data []byte) []byte {
	var b bytes.Buffer
	prev := c.seed
	signed := c.mode != StreamingUnsignedTrailer
	writeChunk := func(d []byte) {
		if !signed {
			fmt.Fprintf(&b, "%x\r\n", len(d))
		} else {
			sts := "AWS4-HMAC-SHA256-PAYLOAD\n" + c.date + "\n" + c.scope + "\n" + prev + "\n" +
				emptySHA256 + "\n" + hexSHA256(d)
			prev = testMAC(c.key, sts)
			fmt.Fprintf(&b, "%x;chunk-signature=%s\r\n", len(d), prev)
		}
		if len(d) > 0 {
			b.Write(d)
			b.WriteString("\r\n")
		}
	}
	for len(data) > 0 {
		n := min(c.chunk, len(data))
		writeChunk(data[:n])
		data = data[n:]
	}
	writeChunk(nil)
	if c.mode != StreamingSigned {
		var canon []string
		for _, t := range c.trailers {
			fmt.Fprintf(&b, "%s:%s\r\n", t[0], t[1])
			canon = append(canon, strings.ToLower(t[0])+":"+strings.TrimSpace(t[1])+"\n")
		}
		if signed {
			sort.Strings(canon)
			sts := "AWS4-HMAC-SHA256-TRAILER\n" + c.date + "\n" + c.scope + "\n" + prev + "\n" +
				hexSHA256([]byte(strings.Join(canon, "")))
			fmt.Fprintf(&b, "x-amz-trailer-signature:%s\r\n", testMAC(c.key, sts))
		}
	}
	b.WriteString("\r\n")
	return b.Bytes()
}

// reader returns the decoder Verify would install for c.
func (c chunker) reader(body []byte, want int64) *chunkedReader {
	var sig *chunkSigner
	if c.mode != StreamingUnsignedTrailer {
		sig = newChunkSigner(c.key, c.date, c.scope, c.seed)
	}
	return newChunkedReader(io.NopCloser(bytes.NewReader(body)), sig, c.mode != StreamingSigned, want)
}

var (
	testScope   = credential{testAKID, "20260102", testRegion, "s3"}
	testKey     = deriveKey(testSecret, testScope)
	testSeed    = strings.Repeat("5e", 32)
	crcTrailers = [][2]string{{"x-amz-checksum-crc32", "NhCmhg=="}}
)

func testChunker(mode string, chunk int) chunker {
	c := chunker{mode: mode, key: testKey, date: signTime.Format(isoFormat), scope: testScope.scope(), seed: testSeed, chunk: chunk}
	if mode != StreamingSigned {
		c.trailers = crcTrailers
	}
	return c
}

var streamingModes = []string{StreamingSigned, StreamingSignedTrailer, StreamingUnsignedTrailer}

func TestChunkerMatchesDocs(t *testing.T) {
	c := credential{"AKIAIOSFODNN7EXAMPLE", "20130524", "us-east-1", "s3"}
	ch := chunker{mode: StreamingSigned, key: deriveKey("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", c),
		date: "20130524T000000Z", scope: c.scope(), chunk: 65536,
		seed: "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"}
	if got, want := ch.encode(bytes.Repeat([]byte("a"), 66560)), docChunkedBody(docChunkSigs, ""); !bytes.Equal(got, want) {
		t.Fatal("the test encoder disagrees with the AWS documentation's example")
	}
}

func TestChunkedRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, mode := range streamingModes {
		for _, size := range []int{0, 1, 100, 8192, 65536, 65537, 200_000} {
			for _, chunk := range []int{3, 8192, 65536} {
				if size/chunk > 2000 {
					continue
				}
				data := make([]byte, size)
				for i := range data {
					data[i] = byte(rng.UintN(256))
				}
				c := testChunker(mode, chunk)
				body := c.encode(data)
				for _, rd := range []struct {
					name string
					read func(io.Reader) ([]byte, error)
				}{
					{"ReadAll", io.ReadAll},
					{"one byte", func(r io.Reader) ([]byte, error) { return io.ReadAll(iotest.OneByteReader(r)) }},
					{"odd buffer", func(r io.Reader) ([]byte, error) {
						var out bytes.Buffer
						_, err := io.CopyBuffer(struct{ io.Writer }{&out}, struct{ io.Reader }{r}, make([]byte, 7777))
						return out.Bytes(), err
					}},
				} {
					name := fmt.Sprintf("%s/%d/%d/%s", mode, size, chunk, rd.name)
					cr := c.reader(body, int64(size))
					got, err := rd.read(cr)
					if err != nil || !bytes.Equal(got, data) {
						t.Fatalf("%s: decoded %d of %d bytes, err %v", name, len(got), size, err)
					}
					tr := Trailers(cr)
					if mode == StreamingSigned && tr != nil || mode != StreamingSigned && tr.Get("x-amz-checksum-crc32") != "NhCmhg==" {
						t.Fatalf("%s: trailers %v", name, tr)
					}
				}
			}
		}
	}
}

func TestChunkedSourceSplitsAnywhere(t *testing.T) {
	// The body arriving one byte per read from the network must not matter.
	for _, mode := range streamingModes {
		c := testChunker(mode, 1000)
		data := bytes.Repeat([]byte("xyz"), 1500)
		sig := (*chunkSigner)(nil)
		if mode != StreamingUnsignedTrailer {
			sig = newChunkSigner(c.key, c.date, c.scope, c.seed)
		}
		cr := newChunkedReader(io.NopCloser(iotest.OneByteReader(bytes.NewReader(c.encode(data)))), sig, mode != StreamingSigned, -1)
		if got, err := io.ReadAll(cr); err != nil || !bytes.Equal(got, data) {
			t.Fatalf("%s: %d bytes, %v", mode, len(got), err)
		}
	}
}

func TestChunkedTruncated(t *testing.T) {
	data := []byte("hello, chunked world")
	for _, mode := range streamingModes {
		c := testChunker(mode, 8)
		body := c.encode(data)
		for n := 0; n < len(body); n++ {
			_, err := io.ReadAll(c.reader(body[:n], -1))
			if KindOf(err) != ErrIncompleteBody {
				t.Fatalf("%s cut at %d of %d (%q): err %v, want incomplete body", mode, n, len(body), body[max(0, n-10):n], err)
			}
		}
	}
}

func TestChunkedCorrupt(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789"), 3000)
	for _, mode := range streamingModes[:2] { // the signed ones
		c := testChunker(mode, 8192)
		body := c.encode(data)
		sigAt := bytes.Index(body, []byte("chunk-signature=")) + len("chunk-signature=")
		dataAt := bytes.Index(body, []byte("\r\n")) + 2 + 5000
		for _, tc := range []struct {
			name string
			edit func(b []byte) []byte
			want Kind
		}{
			{"data byte", func(b []byte) []byte { b[dataAt] ^= 0x20; return b }, ErrChunkSignature},
			{"signature digit", func(b []byte) []byte { b[sigAt] = flipHex(b[sigAt]); return b }, ErrChunkSignature},
			{"signature not hex", func(b []byte) []byte { b[sigAt] = 'g'; return b }, ErrChunkSignature},
			{"last chunk signature", func(b []byte) []byte {
				i := bytes.LastIndex(b, []byte("0;chunk-signature=")) + len("0;chunk-signature=")
				b[i] = flipHex(b[i])
				return b
			}, ErrChunkSignature},
			{"chunks swapped", func(b []byte) []byte {
				// Two full chunks of identical length, each validly signed
				// in its place, must not verify in each other's.
				first := bytes.Index(b, []byte("2000;"))
				second := bytes.Index(b[first+1:], []byte("2000;")) + first + 1
				third := bytes.Index(b[second+1:], []byte("2000;")) + second + 1
				out := append([]byte{}, b[:first]...)
				out = append(out, b[second:third]...)
				out = append(out, b[first:second]...)
				return append(out, b[third:]...)
			}, ErrChunkSignature},
			{"size not hex", func(b []byte) []byte { return append([]byte("zz"), b[4:]...) }, ErrMalformed},
			{"no chunk signature", func(b []byte) []byte { return bytes.Replace(b, []byte(";chunk-signature="), []byte(";x="), 1) }, ErrMalformed},
			{"data not followed by CRLF", func(b []byte) []byte {
				i := bytes.Index(b, []byte("\r\n2000;"))
				b[i] = 'X'
				return b
			}, ErrMalformed},
			{"header without CR", func(b []byte) []byte { return bytes.Replace(b, []byte("\r\n"), []byte("\n"), 1) }, ErrMalformed},
			{"huge chunk", func(b []byte) []byte {
				return append([]byte("1000001;chunk-signature="+strings.Repeat("0", 64)+"\r\n"), b...)
			}, ErrMalformed},
			{"long header line", func(b []byte) []byte { return append(bytes.Repeat([]byte("0"), 20000), b...) }, ErrMalformed},
		} {
			t.Run(mode+"/"+tc.name, func(t *testing.T) {
				_, err := io.ReadAll(c.reader(tc.edit(bytes.Clone(body)), -1))
				if KindOf(err) != tc.want {
					t.Fatalf("err %v, want %q", err, tc.want)
				}
			})
		}
	}
}

func flipHex(c byte) byte {
	if c == '0' {
		return '1'
	}
	return '0'
}

func TestChunkedDecodedLength(t *testing.T) {
	data := []byte("exactly twenty bytes")
	for _, mode := range streamingModes {
		body := testChunker(mode, 7).encode(data)
		c := testChunker(mode, 7)
		if _, err := io.ReadAll(c.reader(body, int64(len(data)+1))); KindOf(err) != ErrIncompleteBody {
			t.Errorf("%s: declared longer: %v", mode, err)
		}
		if _, err := io.ReadAll(c.reader(body, int64(len(data)-1))); KindOf(err) != ErrMalformed {
			t.Errorf("%s: declared shorter: %v", mode, err)
		}
	}
}

func TestChunkedUnexpectedTrailer(t *testing.T) {
	c := testChunker(StreamingSigned, 7)
	body := c.encode([]byte("data"))
	body = append(body[:len(body)-2], "x-amz-checksum-crc32:AAAAAA==\r\n\r\n"...)
	if _, err := io.ReadAll(c.reader(body, -1)); KindOf(err) != ErrMalformed {
		t.Fatalf("trailer in a trailerless stream: %v", err)
	}
}
