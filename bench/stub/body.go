package stub

import (
	"crypto/md5"
	"errors"
	"io"
	"sync"
	"sync/atomic"
)

// Bodies are read straight from the request into memory. Small ones get
// one exact-size slice; large ones are kept in pooled 1 MiB chunks, so a
// steady stream of overwrites of 64 MiB objects reuses the same memory
// instead of asking the allocator for zeroed pages each time.

const (
	chunkSize = 1 << 20
	smallMax  = 64 << 10
)

type chunk [chunkSize]byte

var chunks = sync.Pool{New: func() any { return new(chunk) }}

// body is an object's or a part's bytes. refs counts the map entry that
// owns it plus every GET still writing it out; pooled chunks go back only
// when the last of them lets go, so a concurrent overwrite never recycles
// memory a reader is sending.
type body struct {
	segs   [][]byte // the bytes, in order (views into small or pooled)
	pooled []*chunk // chunks to return to the pool
	size   int64
	md5    [md5.Size]byte
	refs   atomic.Int32
}

func (b *body) retain() { b.refs.Add(1) }

func (b *body) release() {
	if b.refs.Add(-1) != 0 {
		return
	}
	for _, c := range b.pooled {
		chunks.Put(c)
	}
	b.pooled, b.segs = nil, nil
}

// writeTo sends the bytes; the caller holds a reference.
func (b *body) writeTo(w io.Writer) error {
	for _, s := range b.segs {
		if _, err := w.Write(s); err != nil {
			return err
		}
	}
	return nil
}

// readBody reads r (n bytes, or to EOF when n < 0) and hashes it as it
// goes, like a real server computing the ETag: one pass, no re-read.
func readBody(r io.Reader, n int64) (*body, error) {
	b := &body{}
	b.refs.Store(1)
	h := md5.New()
	if n >= 0 && n <= smallMax {
		buf := make([]byte, n)
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, err
		}
		h.Write(buf)
		b.segs, b.size = [][]byte{buf}, n
		h.Sum(b.md5[:0])
		return b, nil
	}
	for {
		c := chunks.Get().(*chunk)
		m, err := io.ReadFull(r, c[:])
		if m > 0 {
			h.Write(c[:m])
			b.segs = append(b.segs, c[:m])
			b.pooled = append(b.pooled, c)
			b.size += int64(m)
		} else {
			chunks.Put(c)
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			b.release()
			return nil, err
		}
	}
	if n >= 0 && b.size != n {
		b.release()
		return nil, io.ErrUnexpectedEOF
	}
	h.Sum(b.md5[:0])
	return b, nil
}

// concat makes one body of parts, taking over their memory: parts are
// never readable, so no reader can hold one, and nothing is copied, as
// S3 does not copy parts on completion either.
func concat(parts []*body, sum [md5.Size]byte) *body {
	b := &body{md5: sum}
	b.refs.Store(1)
	for _, p := range parts {
		b.segs = append(b.segs, p.segs...)
		b.pooled = append(b.pooled, p.pooled...)
		b.size += p.size
		p.segs, p.pooled = nil, nil
	}
	return b
}
