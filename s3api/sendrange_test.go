package s3api

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
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
	for _, c := range []struct {
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
	} {
		t.Run(c.name, func(t *testing.T) {
			var got bytes.Buffer
			err := sendRange(&got, f, byteRange{start: c.start, end: c.end})
			if !errors.Is(err, c.err) {
				t.Fatalf("err = %v, want %v", err, c.err)
			}
			if !bytes.Equal(got.Bytes(), c.want) {
				t.Fatalf("wrote %d bytes, want %d (equal prefix: %v)", got.Len(), len(c.want), bytes.HasPrefix(c.want, got.Bytes()))
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
		err := sendRange(w, f, byteRange{start: 0, end: 3*bufSize - 1})
		if err == nil || err.Error() != "client went away" || w.n != 0 {
			t.Errorf("after %d bytes: err = %v, %d bytes unwritten of the allowance", ok, err, w.n)
		}
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
