package sigv4

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"strings"
)

// maxTrailerLines bounds the trailer section: in practice one checksum and
// the trailer signature.
const maxTrailerLines = 16

// chunkedReader decodes an aws-chunked body while it is read:
//
//	hex(size)[;chunk-signature=sig]\r\n data \r\n ... 0[;chunk-signature=sig]\r\n
//	[name:value\r\n ...] [x-amz-trailer-signature:sig\r\n] \r\n
//
// It streams: memory is one bufio buffer whatever the chunk size, and data
// is handed out before its chunk's signature is checked (that happens on the
// next Read), so callers must not commit what they read before io.EOF.
type chunkedReader struct {
	src      io.ReadCloser
	br       *bufio.Reader
	sig      *chunkSigner // nil for STREAMING-UNSIGNED-PAYLOAD-TRAILER
	trailer  bool         // trailers may follow the final chunk
	want     int64        // x-amz-decoded-content-length, -1 if not sent
	got      int64        // data bytes decoded so far
	left     int64        // data bytes of the current chunk not yet read
	inChunk  bool         // the current chunk's closing CRLF is not yet read
	trailers http.Header
	err      error // sticky; io.EOF once the whole body is decoded and verified
}

func newChunkedReader(src io.ReadCloser, sig *chunkSigner, trailer bool, want int64) *chunkedReader {
	return &chunkedReader{src: src, br: bufio.NewReaderSize(src, 16<<10), sig: sig, trailer: trailer, want: want}
}

// Trailers returns the trailing headers (such as x-amz-checksum-crc32) of an
// aws-chunked body that Verify installed, once it has been read to EOF; nil
// for any other body or before EOF.
func Trailers(body io.Reader) http.Header {
	c, ok := body.(*chunkedReader)
	if !ok || c.err != io.EOF {
		return nil
	}
	return c.trailers
}

func (c *chunkedReader) Close() error { return c.src.Close() }

func (c *chunkedReader) Read(p []byte) (int, error) {
	for c.err == nil {
		switch {
		case c.left > 0:
			if len(p) == 0 {
				return 0, nil
			}
			if int64(len(p)) > c.left {
				p = p[:c.left]
			}
			n, err := c.br.Read(p)
			c.left -= int64(n)
			c.got += int64(n)
			if c.sig != nil {
				c.sig.data.Write(p[:n])
			}
			if err != nil {
				c.err = bodyErr(err)
			}
			if n > 0 || c.err == nil {
				return n, nil // an error waits for the next call
			}
		case c.inChunk:
			c.err = c.endChunk()
		default:
			c.err = c.nextChunk()
		}
	}
	return 0, c.err
}

// nextChunk reads a chunk header; for the final chunk it reads the rest.
func (c *chunkedReader) nextChunk() error {
	line, err := c.readLine()
	if err != nil {
		return err
	}
	size, ext, err := parseChunkHeader(line)
	if err != nil {
		return err
	}
	if c.sig != nil {
		claim, ok := bytes.CutPrefix(ext, []byte("chunk-signature="))
		if !ok {
			return newErr(ErrMalformed, "aws-chunked chunk without chunk-signature")
		}
		if size > MaxChunk {
			return newErr(ErrMalformed, "aws-chunked chunk larger than 16 MiB")
		}
		c.sig.begin(claim)
	}
	if c.want >= 0 && size > c.want-c.got {
		return newErr(ErrMalformed, "aws-chunked body longer than x-amz-decoded-content-length")
	}
	if size == 0 {
		return c.finish()
	}
	c.left, c.inChunk = size, true
	return nil
}

// parseChunkHeader splits "hex-size[;extension]".
func parseChunkHeader(line []byte) (size int64, ext []byte, err error) {
	digits := line
	if i := bytes.IndexByte(line, ';'); i >= 0 {
		digits, ext = line[:i], line[i+1:]
	}
	// 15 hex digits cannot overflow an int64.
	if len(digits) == 0 || len(digits) > 15 {
		return 0, nil, newErr(ErrMalformed, "bad aws-chunked chunk size")
	}
	for _, d := range digits {
		v := fromHex(d)
		if v < 0 {
			return 0, nil, newErr(ErrMalformed, "bad aws-chunked chunk size")
		}
		size = size<<4 | int64(v)
	}
	return size, ext, nil
}

// endChunk checks a chunk's signature once its data is read, then the CRLF
// that closes it.
func (c *chunkedReader) endChunk() error {
	c.inChunk = false
	if c.sig != nil {
		if err := c.sig.checkChunk(); err != nil {
			return err
		}
	}
	b, err := c.br.Peek(2)
	if len(b) < 2 {
		return bodyErr(err)
	}
	if b[0] != '\r' || b[1] != '\n' {
		return newErr(ErrMalformed, "aws-chunked chunk data not followed by CRLF")
	}
	c.br.Discard(2)
	return nil
}

// readLine reads a CRLF-terminated framing line, without the CRLF.
func (c *chunkedReader) readLine() ([]byte, error) {
	line, err := c.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		return nil, newErr(ErrMalformed, "aws-chunked framing line too long")
	}
	if err != nil {
		return nil, bodyErr(err)
	}
	if len(line) < 2 || line[len(line)-2] != '\r' {
		return nil, newErr(ErrMalformed, "aws-chunked framing line not ended by CRLF")
	}
	return line[:len(line)-2], nil
}

// finish verifies the final (empty) chunk, reads the trailer section and
// checks the decoded length.
func (c *chunkedReader) finish() error {
	if c.sig != nil {
		if err := c.sig.checkChunk(); err != nil {
			return err
		}
	}
	if err := c.readTrailers(); err != nil {
		return err
	}
	if c.want >= 0 && c.got != c.want {
		return newErr(ErrIncompleteBody, "aws-chunked body shorter than x-amz-decoded-content-length")
	}
	return io.EOF
}

// readTrailers reads trailer lines up to the blank line that ends the body.
// It tolerates what clients in the wild send, bare LF line ends and a blank
// line before the trailer signature, but not a missing final blank line:
// without it a body cut short before its trailers would look complete.
func (c *chunkedReader) readTrailers() error {
	signedTrailer := c.sig != nil && c.trailer
	var fields []trailerField
	sigSeen := false
	for range maxTrailerLines {
		line, err := c.br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			return newErr(ErrMalformed, "aws-chunked trailer line too long")
		} else if err != nil {
			return bodyErr(err)
		}
		line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
		if len(line) == 0 {
			if signedTrailer && !sigSeen {
				continue
			}
			return nil
		}
		name, value, ok := strings.Cut(string(line), ":")
		if !ok {
			return newErr(ErrMalformed, "aws-chunked trailer line without ':'")
		}
		name = strings.ToLower(strings.TrimSpace(name))
		value = strings.TrimSpace(value)
		switch {
		case name == "x-amz-trailer-signature" && signedTrailer && !sigSeen:
			if err := c.sig.checkTrailer(fields, value); err != nil {
				return err
			}
			sigSeen = true
		case !c.trailer || sigSeen || name == "x-amz-trailer-signature":
			return newErr(ErrMalformed, "unexpected aws-chunked trailer "+name)
		default:
			if c.trailers == nil {
				c.trailers = make(http.Header)
			}
			c.trailers.Add(name, value)
			fields = append(fields, trailerField{name, value})
		}
	}
	return newErr(ErrMalformed, "too many aws-chunked trailer lines")
}
