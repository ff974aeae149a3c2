package checksum

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

var crcAlgs = []Algorithm{CRC32, CRC32C, CRC64NVME}

func digest(alg Algorithm, p []byte) []byte {
	h := alg.newHash()
	h.Write(p)
	return h.Sum(nil)
}

// combined checks CombineCRC over the given split of data against the CRC
// of data itself.
func combined(t *testing.T, alg Algorithm, data []byte, cuts []int) {
	t.Helper()
	var parts []PartCRC
	prev := 0
	for _, c := range append(cuts, len(data)) {
		parts = append(parts, PartCRC{digest(alg, data[prev:c]), int64(c - prev)})
		prev = c
	}
	got, err := CombineCRC(alg, parts)
	if want := digest(alg, data); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("%s len %d cuts %v: %x %v, want %x", alg, len(data), cuts, got, err, want)
	}
}

func TestCombineCRCProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 200 {
		data := make([]byte, r.IntN(100_000))
		randFill(byte(r.Uint32()), data)
		cuts := make([]int, r.IntN(8))
		for i := range cuts {
			cuts[i] = r.IntN(len(data) + 1)
		}
		slices.Sort(cuts)
		for _, alg := range crcAlgs {
			combined(t, alg, data, cuts)
		}
	}
}

// Huge lengths exercise the high entries of the x^(2^k) table: appending
// n zero bytes must equal the operator x^(8n), and x^(8(a+b)) must equal
// x^(8a)·x^(8b) even past 2^32 bytes.
func TestCombineLargeLengths(t *testing.T) {
	for _, g := range []*gf2{gfIEEE, gfCastagnoli, gfNVME} {
		for _, n := range []int64{1 << 33, 5 << 30, 1<<62 + 12345} {
			a, b := n/3, n-n/3
			if g.x8n(n) != g.mul(g.x8n(a), g.x8n(b)) {
				t.Errorf("x8n(%d) is not multiplicative", n)
			}
		}
	}
	zeros := make([]byte, 10_000)
	for _, alg := range crcAlgs {
		combined(t, alg, zeros, []int{1, 9_999})
	}
}

func TestCombineCRCErrors(t *testing.T) {
	if _, err := CombineCRC(SHA256, nil); err == nil {
		t.Error("SHA256 combined")
	}
	if _, err := CombineCRC(CRC32, []PartCRC{{Sum: []byte{1, 2, 3}, Len: 3}}); err == nil {
		t.Error("3-byte CRC32 combined")
	}
	if got, err := CombineCRC(CRC64NVME, nil); err != nil || len(got) != 8 {
		t.Errorf("no parts: %x %v", got, err)
	}
}

func FuzzCombine(f *testing.F) {
	f.Add([]byte("123456789"), []byte("hello world"), uint8(0))
	f.Add([]byte{}, []byte{0}, uint8(1))
	f.Add(bytes.Repeat([]byte{0xff}, 300), []byte{}, uint8(2))
	f.Fuzz(func(t *testing.T, a, b []byte, which uint8) {
		alg := crcAlgs[int(which)%len(crcAlgs)]
		combined(t, alg, append(a[:len(a):len(a)], b...), []int{len(a)})
	})
}

// naiveComposite is S3's COMPOSITE definition spelled out: decode each
// part's base64 checksum, hash the concatenation, append "-N".
func naiveComposite(alg Algorithm, partB64 []string) string {
	var cat []byte
	for _, s := range partB64 {
		b, _ := base64.StdEncoding.DecodeString(s)
		cat = append(cat, b...)
	}
	return base64.StdEncoding.EncodeToString(digest(alg, cat)) + "-" + strconv.Itoa(len(partB64))
}

func TestCompositeChecksum(t *testing.T) {
	parts := []string{"part one", "part two", "", "part four"}
	for _, alg := range Algorithms {
		var raw [][]byte
		var b64 []string
		for _, p := range parts {
			d := digest(alg, []byte(p))
			raw = append(raw, d)
			b64 = append(b64, base64.StdEncoding.EncodeToString(d))
		}
		if got, want := CompositeChecksum(alg, raw), naiveComposite(alg, b64); got != want {
			t.Errorf("%s: %s, want %s", alg, got, want)
		}
	}
	if CompositeChecksum("MD5", nil) != "" {
		t.Error("unknown algorithm gave a value")
	}
}

func TestMultipartETag(t *testing.T) {
	a, b := md5.Sum([]byte("a")), md5.Sum([]byte("b"))
	want := md5.Sum(append(a[:], b[:]...))
	got := MultipartETag([][]byte{a[:], b[:]})
	if got != hex.EncodeToString(want[:])+"-2" {
		t.Errorf("MultipartETag = %s", got)
	}
	fromHex, err := MultipartETagHex([]string{`"` + hex.EncodeToString(a[:]) + `"`, hex.EncodeToString(b[:])})
	if err != nil || fromHex != got {
		t.Errorf("MultipartETagHex = %s, %v", fromHex, err)
	}
	if _, err := MultipartETagHex([]string{"abc"}); err == nil {
		t.Error("bad ETag accepted")
	}
}
