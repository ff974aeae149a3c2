package s3api

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fsxd/fsxd/volume"
)

// TestSendRange checks that every selected byte is written once, in
// order, across buffer boundaries, and that a file shorter than the range
// (shrunk beside S3) is an error after the bytes it still had.
func TestSendRange(t *testing.T) {
	const size = 2*bufSize + 1000
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(i * 131 >> 3)
	}
	path := filepath.Join(t.TempDir(), "obj")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cases := []struct {
		name       string
		start, end int64
		want       []byte
		err        error
	}{
		{"one byte", 0, 0, data[:1], nil},
		{"small middle", 100, 4195, data[100:4196], nil},
		{"one buffer", 0, bufSize - 1, data[:bufSize], nil},
		{"one buffer and a byte", 7, bufSize + 7, data[7 : bufSize+8], nil},
		{"whole", 0, size - 1, data, nil},
		{"tail across buffers", bufSize - 1, size - 1, data[bufSize-1:], nil},
		{"past the end (shrunk)", size - 10, size + 9, data[size-10:], io.ErrUnexpectedEOF},
		{"all past the end", size + 5, size + 5000, nil, io.ErrUnexpectedEOF},
		{"large past the end", 1, size + bufSize, data[1:], io.ErrUnexpectedEOF},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, bufLen := range []int{bufSize, wholeMax} {
				var got bytes.Buffer
				err := sendRange(&got, f, byteRange{start: c.start, end: c.end}, make([]byte, bufLen))
				if !errors.Is(err, c.err) {
					t.Fatalf("buffer %d: err = %v, want %v", bufLen, err, c.err)
				}
				if !bytes.Equal(got.Bytes(), c.want) {
					t.Fatalf("buffer %d: wrote %d bytes, want %d (equal prefix: %v)", bufLen, got.Len(), len(c.want), bytes.HasPrefix(c.want, got.Bytes()))
				}
			}
			// The sendfile path (remote clients) sends the same bytes from a
			// file just opened; a shrunk file just ends its body early.
			g, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer g.Close()
			var viaFile bytes.Buffer
			if err := sendFile(&viaFile, &volume.File{File: g}, byteRange{start: c.start, end: c.end}); err != nil || !bytes.Equal(viaFile.Bytes(), c.want) {
				t.Fatalf("sendFile: %d bytes, err %v; want %d", viaFile.Len(), err, len(c.want))
			}
		})
	}
}

// failWriter accepts n bytes, then fails.
type failWriter struct{ n int }

func (w *failWriter) Write(b []byte) (int, error) {
	if len(b) > w.n {
		return 0, errors.New("client went away")
	}
	w.n -= len(b)
	return len(b), nil
}

// TestSendRangeWriteError checks that a failed write (the client hung up)
// stops the copy with that error rather than reading on.
func TestSendRangeWriteError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "obj")
	if err := os.WriteFile(path, make([]byte, 3*bufSize), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, ok := range []int{0, bufSize, 2 * bufSize} {
		w := &failWriter{n: ok}
		err := sendRange(w, f, byteRange{start: 0, end: 3*bufSize - 1}, make([]byte, bufSize))
		if err == nil || err.Error() != "client went away" || w.n != 0 {
			t.Errorf("after %d bytes: err = %v, %d bytes unwritten of the allowance", ok, err, w.n)
		}
	}
}

// TestSendRangeWholeIsOneWrite: a body that fits the buffer is one pread
// and one write, which is what a local client's 1 MiB GET is for.
func TestSendRangeWholeIsOneWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "obj")
	if err := os.WriteFile(path, make([]byte, wholeMax), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := &countWriter{}
	if err := sendRange(w, f, byteRange{start: 0, end: wholeMax - 1}, make([]byte, wholeMax)); err != nil || w.writes != 1 || w.n != wholeMax {
		t.Errorf("err %v, %d writes of %d bytes in all; want one of %d", err, w.writes, w.n, wholeMax)
	}
}

type countWriter struct{ writes, n int }

func (w *countWriter) Write(b []byte) (int, error) {
	w.writes++
	w.n += len(b)
	return len(b), nil
}

// TestSendPath: small bodies are copied for everyone; larger ones are
// sendfile'd to remote clients, and to a local client copied in one piece
// up to wholeMax, sendfile'd up to localCopy, and copied in pieces from
// there.
func TestSendPath(t *testing.T) {
	const local, remote = "127.0.0.1:40000", "10.0.0.5:40000"
	for _, c := range []struct {
		n    int64
		addr string
		want bodyPath
	}{
		{0, remote, copyPieces},
		{smallBody, remote, copyPieces},
		{smallBody, local, copyPieces},
		{smallBody + 1, remote, viaSendfile},
		{smallBody + 1, local, copyWhole},
		{wholeMax, local, copyWhole},
		{wholeMax, remote, viaSendfile},
		{wholeMax + 1, local, viaSendfile},
		{localCopy - 1, local, viaSendfile},
		{localCopy, local, copyPieces},
		{localCopy, remote, viaSendfile},
		{64 << 20, local, copyPieces},
	} {
		if got := sendPath(c.n, c.addr); got != c.want {
			t.Errorf("sendPath(%d, %s) = %d, want %d", c.n, c.addr, got, c.want)
		}
	}
}

// TestWholeBufsBounded: at most maxWholeBufs whole-body buffers are out at
// once; one given back can be taken again.
func TestWholeBufsBounded(t *testing.T) {
	var held []*[]byte
	for range maxWholeBufs {
		b := takeWholeBuf()
		if b == nil {
			t.Fatalf("buffer %d of %d refused", len(held)+1, maxWholeBufs)
		}
		if len(*b) != wholeMax {
			t.Fatalf("buffer of %d bytes, want %d", len(*b), wholeMax)
		}
		held = append(held, b)
	}
	if b := takeWholeBuf(); b != nil {
		t.Fatal("a buffer past maxWholeBufs was given out")
	}
	putWholeBuf(held[0])
	b := takeWholeBuf()
	if b == nil {
		t.Fatal("a buffer given back could not be taken again")
	}
	held[0] = b
	for _, b := range held {
		putWholeBuf(b)
	}
	if n := wholeBufs.Load(); n != 0 {
		t.Errorf("%d buffers counted out after all were given back", n)
	}
}

// TestLocalPeer: only a loopback client's bodies are copied.
func TestLocalPeer(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:40000":        true,
		"127.9.8.7:1":            true,
		"[::1]:40000":            true,
		"[::ffff:127.0.0.1]:443": true,
		"10.0.0.5:40000":         false,
		"[2001:db8::1]:443":      false,
		"[::ffff:10.0.0.5]:443":  false,
		"":                       false,
		"@":                      false, // a unix socket's RemoteAddr
		"localhost:80":           false, // never a name in RemoteAddr
	} {
		if got := localPeer(addr); got != want {
			t.Errorf("localPeer(%q) = %v, want %v", addr, got, want)
		}
	}
}

// TestLocalGetBodies: bodies on every send path reach a local client
// whole and in order, ranges too, and with every whole-body buffer out
// (slow readers holding them) a body is still served, by sendfile.
func TestLocalGetBodies(t *testing.T) {
	e := newEnv(t)
	for _, size := range []int{smallBody + 1, 300 << 10, wholeMax, wholeMax + 1, 3 << 20} {
		data := make([]byte, size)
		for i := range data {
			data[i] = byte(i*7 + i>>11)
		}
		key := fmt.Sprintf("local-%d", size)
		e.put(key, string(data))
		if r := e.get(key); r.status != 200 || r.body != string(data) {
			t.Errorf("%d bytes: status %d, %d bytes back, equal %v", size, r.status, len(r.body), r.body == string(data))
		}
		lo, hi := 1000, size-1000
		if r := e.get(key, fmt.Sprintf("Range: bytes=%d-%d", lo, hi)); r.status != 206 || r.body != string(data[lo:hi+1]) {
			t.Errorf("%d bytes, range %d-%d: status %d, %d bytes back", size, lo, hi, r.status, len(r.body))
		}
	}
	var held []*[]byte
	for range maxWholeBufs {
		if b := takeWholeBuf(); b != nil {
			held = append(held, b)
		}
	}
	defer func() {
		for _, b := range held {
			putWholeBuf(b)
		}
	}()
	want := strings.Repeat("z", wholeMax)
	e.put("busy", want)
	if r := e.get("busy"); r.status != 200 || r.body != want {
		t.Errorf("with %d buffers out: status %d, %d bytes back", len(held), r.status, len(r.body))
	}
}
