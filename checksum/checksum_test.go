package checksum

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"hash/crc64"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
)

// Vectors: "123456789" is the CRC catalogue's check input; "hello world"
// values come from aws-sdk-go-v2's service/internal/checksum tests, so they
// are what SDK clients will send.
var vectors = []struct {
	in   string
	alg  Algorithm
	want string // hex for the check input, else base64
}{
	{"123456789", CRC32, "cbf43926"},
	{"123456789", CRC32C, "e3069283"},
	{"123456789", CRC64NVME, "ae8b14860a799888"},
	{"123456789", SHA1, "f7c3bc1d808e04732adf679965ccc34ca7ae3441"},
	{"123456789", SHA256, "15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225"},
	{"", CRC32, "00000000"},
	{"", CRC64NVME, "0000000000000000"},
	{"", SHA256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	{"hello world", CRC32, "DUoRhQ=="},
	{"hello world", CRC32C, "yZRlqg=="},
	{"hello world", CRC64NVME, "jSnVw/bqjr4="},
	{"hello world", SHA1, "Kq5sNclPz7QV2+lfQIuc6R7oRu0="},
	{"hello world", SHA256, "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek="},
}

func TestVectors(t *testing.T) {
	for _, v := range vectors {
		h := NewHasher(Options{Algorithms: []Algorithm{v.alg}})
		h.Write([]byte(v.in))
		got := h.Sum().Checksums[v.alg]
		want := v.want
		if b, err := hex.DecodeString(v.want); err == nil && v.in != "hello world" {
			want = base64.StdEncoding.EncodeToString(b)
		}
		if got != want {
			t.Errorf("%s(%q) = %s, want %s", v.alg, v.in, got, want)
		}
	}
}

func TestETag(t *testing.T) {
	h := NewHasher(Options{})
	h.Write([]byte("123456789"))
	if s := h.Sum(); s.ETag != "25f9e794323b453885f5181f1b624d0b" || s.Size != 9 || len(s.Checksums) != 0 {
		t.Errorf("Sum = %+v", s)
	}
}

// The slicing-by-8 CRC64NVME must agree with hash/crc64's bytewise one on
// every length and alignment, including the 2 KiB threshold where
// hash/crc64 switches strategy.
func TestCRC64NVMEAgainstStdlib(t *testing.T) {
	tab := crc64.MakeTable(crc64NVMEPoly)
	buf := make([]byte, 5003)
	randFill(1, buf)
	for _, n := range []int{0, 1, 7, 8, 9, 63, 64, 65, 2047, 2048, 4999} {
		for off := range 3 {
			p := buf[off : off+n]
			d := newCRC64NVME()
			d.Write(p[:n/3])
			d.Write(p[n/3:])
			if got, want := d.Sum64(), crc64.Checksum(p, tab); got != want {
				t.Errorf("len %d off %d: %x, want %x", n, off, got, want)
			}
		}
	}
}

func TestParseAlgorithm(t *testing.T) {
	for in, want := range map[string]Algorithm{"crc32": CRC32, "CRC32C": CRC32C, "Crc64Nvme": CRC64NVME, "sha1": SHA1, "SHA256": SHA256} {
		if got, err := ParseAlgorithm(in); got != want || err != nil {
			t.Errorf("ParseAlgorithm(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "md5", "sha512", "crc"} {
		if _, err := ParseAlgorithm(in); err == nil {
			t.Errorf("ParseAlgorithm(%q) succeeded", in)
		}
	}
	if h := CRC64NVME.Header(); h != "x-amz-checksum-crc64nvme" {
		t.Errorf("Header = %s", h)
	}
}

// Fanned-out hashing must give exactly the serial result whatever the
// write sizes, including writes that straddle chunk boundaries.
func TestHasherParallelMatchesSerial(t *testing.T) {
	data := make([]byte, 5*fanoutMin+12345)
	randFill(3, data)
	o := Options{Algorithms: Algorithms, ContentSHA256: true}
	ser := NewHasher(o)
	ser.serial = true
	ser.Write(data)
	want := ser.Sum()
	for _, size := range []int{1000, 32 << 10, fanoutChunk, fanoutChunk + 1, 3 << 20, len(data)} {
		h := NewHasher(o)
		for p := data; len(p) > 0; {
			n := min(size, len(p))
			h.Write(p[:n])
			p = p[n:]
		}
		if got := h.Sum(); !sumsEqual(got, want) {
			t.Errorf("writes of %d: %+v, want %+v", size, got, want)
		}
	}
}

func sumsEqual(a, b Sums) bool {
	if a.Size != b.Size || a.ETag != b.ETag || a.ContentSHA256 != b.ContentSHA256 || len(a.Checksums) != len(b.Checksums) {
		return false
	}
	for k, v := range a.Checksums {
		if b.Checksums[k] != v {
			return false
		}
	}
	return true
}

func TestContentSHA256(t *testing.T) {
	const want = "15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225"
	for _, algs := range [][]Algorithm{nil, {SHA256}, {CRC32, SHA256}} {
		h := NewHasher(Options{Algorithms: algs, ContentSHA256: true})
		h.Write([]byte("123456789"))
		s := h.Sum()
		if s.ContentSHA256 != want || len(s.Checksums) != len(algs) {
			t.Errorf("algs %v: %+v", algs, s)
		}
	}
}

func TestReader(t *testing.T) {
	h := NewHasher(Options{Algorithms: []Algorithm{CRC32}})
	var out bytes.Buffer
	out.ReadFrom(Reader(strings.NewReader("hello world"), h))
	if out.String() != "hello world" || h.Sum().Checksums[CRC32] != "DUoRhQ==" {
		t.Errorf("Reader: %q %+v", out.String(), h.Sum())
	}
}

func TestVerify(t *testing.T) {
	h := NewHasher(Options{Algorithms: []Algorithm{CRC32, SHA256}})
	h.Write([]byte("hello world"))
	got := h.Sum()
	check := func(exp map[Algorithm]string, wantAlg Algorithm, wantErr error) {
		t.Helper()
		err := Verify(exp, got)
		if wantErr == nil {
			if err != nil {
				t.Errorf("Verify(%v) = %v", exp, err)
			}
			return
		}
		var e *Error
		if !errors.As(err, &e) || e.Algorithm != wantAlg || !errors.Is(err, wantErr) {
			t.Errorf("Verify(%v) = %v, want %s %v", exp, err, wantAlg, wantErr)
		}
	}
	check(nil, "", nil)
	check(map[Algorithm]string{CRC32: "DUoRhQ=="}, "", nil)
	check(map[Algorithm]string{CRC32: "DUoRhQ==", SHA256: "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek="}, "", nil)
	check(map[Algorithm]string{CRC32: "AAAAAA=="}, CRC32, ErrMismatch)
	check(map[Algorithm]string{CRC32: "DUoRhQ"}, CRC32, ErrInvalid)
	check(map[Algorithm]string{CRC32: "DUoRhQ==", SHA256: "DUoRhQ=="}, SHA256, ErrInvalid)
	check(map[Algorithm]string{CRC32C: "yZRlqg=="}, CRC32C, ErrNotComputed)
	check(map[Algorithm]string{"MD5": "x"}, "MD5", ErrNotComputed)
}

// randFill fills p with reproducible pseudo-random bytes.
func randFill(seed byte, p []byte) {
	rand.NewChaCha8([32]byte{seed}).Read(p)
}

func TestVerifyReader(t *testing.T) {
	for _, c := range []struct {
		crc  string
		want error
	}{{"DUoRhQ==", nil}, {"AAAAAA==", ErrMismatch}} {
		h := NewHasher(Options{Algorithms: []Algorithm{CRC32}})
		trailer := "" // set after the body, as a trailing checksum is
		r := VerifyReader(io.MultiReader(strings.NewReader("hello "), strings.NewReader("world")), h, func(s Sums) error {
			return Verify(map[Algorithm]string{CRC32: trailer}, s)
		})
		b, _ := io.ReadAll(io.LimitReader(r, 11))
		trailer = c.crc
		_, err := io.ReadAll(r)
		if string(b) != "hello world" || !errors.Is(err, c.want) {
			t.Errorf("crc %s: %q %v", c.crc, b, err)
		}
	}
}

func TestVerifyContentMD5(t *testing.T) {
	h := NewHasher(Options{})
	h.Write([]byte("hello world"))
	s := h.Sum()
	for b64, want := range map[string]error{"XrY7u+Ae7tCTyyK7j1rNww==": nil, "AAAAAAAAAAAAAAAAAAAAAA==": ErrMismatch, "XrY7": ErrInvalid} {
		if err := VerifyContentMD5(b64, s); !errors.Is(err, want) {
			t.Errorf("%s: %v", b64, err)
		}
	}
}

// A body declared large fans out from its first write, so a 1 MiB PUT
// hashes MD5 and SHA-256 on two cores; an undeclared one waits for
// fanoutMin bytes.
func TestHasherDeclaredSizeFansOutAtOnce(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(2, runtime.GOMAXPROCS(0))))
	o := Options{ContentSHA256: true, Size: fanoutMin}
	h := NewHasher(o)
	h.Write(make([]byte, 4<<10))
	if h.fan == nil {
		t.Error("declared size: no fan-out after the first write")
	}
	o.Size = -1
	h = NewHasher(o)
	h.Write(make([]byte, 4<<10))
	if h.fan != nil {
		t.Error("unknown size: fanned out before fanoutMin bytes")
	}
	h.Sum()
}
