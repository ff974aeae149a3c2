package multipart

import (
	"bytes"
	"encoding/base64"
	"errors"
	"testing"

	"github.com/fsxd/fsxd/checksum"
)

// Combine over stored part metadata must give what hashing the whole
// object gives (FULL_OBJECT), and S3's composite form otherwise.
func TestCombine(t *testing.T) {
	data := [][]byte{bytes.Repeat([]byte("x"), 5<<20), []byte("middle"), []byte("end")}
	whole := bytes.Join(data, nil)
	for _, c := range []struct {
		alg       checksum.Algorithm
		typ, want string
	}{
		{checksum.CRC64NVME, "", FullObject},
		{checksum.CRC32C, FullObject, FullObject},
		{checksum.CRC32, "", Composite},
		{checksum.SHA256, Composite, Composite},
	} {
		s := newStore(t)
		u, _ := s.Create(Upload{Key: "k", ChecksumAlgorithm: string(c.alg), ChecksumType: c.typ})
		var parts []Part
		var raw [][]byte
		for i, d := range data {
			h := checksum.NewHasher(checksum.Options{Algorithms: []checksum.Algorithm{c.alg}})
			p, err := s.PutPart(u.ID, i+1, checksum.Reader(bytes.NewReader(d), h), func() PartSums { return PartSumsOf(h.Sum()) })
			if err != nil {
				t.Fatal(err)
			}
			parts = append(parts, p)
			b, _ := base64.StdEncoding.DecodeString(p.Checksums[string(c.alg)])
			raw = append(raw, b)
		}
		f, err := Combine(u, parts)
		if err != nil {
			t.Fatal(err)
		}
		want := checksum.CompositeChecksum(c.alg, raw)
		if c.want == FullObject {
			h := checksum.NewHasher(checksum.Options{Algorithms: []checksum.Algorithm{c.alg}})
			h.Write(whole)
			want = h.Sum().Checksums[c.alg]
		}
		if f.Checksum != want || f.ChecksumType != c.want || f.Size != int64(len(whole)) || f.ETag[len(f.ETag)-2:] != "-3" {
			t.Errorf("%s %s: %+v, want checksum %s", c.alg, c.typ, f, want)
		}
	}
}

func TestCombineErrors(t *testing.T) {
	etag := md5hex(nil)
	u := Upload{ChecksumAlgorithm: "SHA1", ChecksumType: FullObject}
	if _, err := Combine(u, []Part{{Number: 1, ETag: etag, Checksums: map[string]string{"SHA1": base64.StdEncoding.EncodeToString(make([]byte, 20))}}}); err == nil {
		t.Error("FULL_OBJECT SHA1 combined")
	}
	u = Upload{ChecksumAlgorithm: "CRC32"}
	var pe *PartError
	if _, err := Combine(u, []Part{{Number: 4, ETag: etag}}); !errors.As(err, &pe) || pe.Number != 4 {
		t.Errorf("missing part checksum: %v", err)
	}
	if f, err := Combine(Upload{}, []Part{{ETag: etag}}); err != nil || f.Checksum != "" {
		t.Errorf("no algorithm: %+v %v", f, err)
	}
}
