package multipart

import (
	"bytes"
	"testing"
)

// BenchmarkPutPart stages 8 MiB parts durably, hashing as s3api will
// (MD5 plus the upload's CRC32C), and without hashing, to separate the
// store's cost from the hashes'.
func BenchmarkPutPart(b *testing.B) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 8<<20/16)
	for _, hashed := range []bool{true, false} {
		name := map[bool]string{true: "8MiB/md5+crc32c", false: "8MiB/nohash"}[hashed]
		b.Run(name, func(b *testing.B) {
			s := newStore(b)
			u := create(b, s, "ap", "k")
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				n = n%MaxPartNumber + 1
				if hashed {
					_, err := put(s, u.ID, n, data)
					if err != nil {
						b.Fatal(err)
					}
					continue
				}
				_, err := s.PutPart(u.ID, n, bytes.NewReader(data), func() PartSums { return PartSums{} })
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkParts lists 1,000 parts, as ListParts does.
func BenchmarkParts(b *testing.B) {
	s := newStore(b)
	u := create(b, s, "ap", "k")
	for n := 1; n <= 1000; n++ {
		mustPut(b, s, u.ID, n, []byte{byte(n)})
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := s.Parts(u.ID, 0, 1000); err != nil {
			b.Fatal(err)
		}
	}
}
