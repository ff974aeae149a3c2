package volume

import (
	"encoding/hex"
	"flag"
	"maps"
	"os"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

// sampleMeta uses every field, so the golden file pins all of format 1.
var sampleMeta = Meta{
	ContentType: "text/plain; charset=utf-8", ContentEncoding: "gzip",
	ContentDisposition: `attachment; filename="a.txt"`, ContentLanguage: "en",
	CacheControl: "no-cache", Expires: "Wed, 21 Oct 2015 07:28:00 GMT",
	User:      map[string]string{"color": "blue", "empty": ""},
	Tags:      map[string]string{"project": "fsxd", "é": "ü"},
	ETag:      "0123456789abcdef0123456789abcdef-3",
	Checksums: map[string]string{"CRC32": "AAAAAA==", "CRC32-TYPE": "COMPOSITE"},
	Parts:     3, PartSizes: []int64{5 << 20, 5 << 20, 17},
	DirMarker: true, Implicit: true,
	Stamp: Stamp{Size: 10485777, MtimeNs: 1700000000123456789, Ino: 424242},
}

// The golden files written before the compact records must keep decoding:
// objects on disk carry them.
func TestMetaGoldenDecodes(t *testing.T) {
	withSums := sampleMeta
	withSums.PartChecksums = [][]byte{{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, 11, 12}}
	for _, tc := range []struct {
		file string
		want Meta
	}{
		{"testdata/meta_v1.hex", sampleMeta},
		{"testdata/meta_v1_partsums.hex", withSums},
		{"testdata/meta_v1_compact.hex", sampleMeta},
	} {
		b, err := os.ReadFile(tc.file)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := hex.DecodeString(strings.TrimSpace(string(b)))
		m, err := decodeMeta(raw)
		if err != nil || !reflect.DeepEqual(*m, tc.want) {
			t.Errorf("%s: %v\n got %+v\nwant %+v", tc.file, err, m, tc.want)
		}
	}
}

// TestMetaGolden pins what fsxd writes now (compact ETag and checksum).
func TestMetaGolden(t *testing.T) {
	const golden = "testdata/meta_v1_compact.hex"
	enc := hex.EncodeToString(encodeMeta(&sampleMeta))
	if *update {
		os.WriteFile(golden, []byte(enc+"\n"), 0o644)
	}
	b, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.TrimSpace(string(b)); enc != want {
		t.Fatalf("encoding changed (it is on disks already):\n got %s\nwant %s", enc, want)
	}
}

func TestMetaPartChecksums(t *testing.T) {
	m := sampleMeta
	m.PartChecksums = [][]byte{{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, 11, 12}}
	if got, err := decodeMeta(encodeMeta(&m)); err != nil || !reflect.DeepEqual(*got, m) {
		t.Fatalf("round trip: %v\n got %+v\nwant %+v", err, got, m)
	}
	// Mixed widths are not recorded rather than recorded wrong.
	m.PartChecksums = [][]byte{{1, 2, 3, 4}, {5}}
	if got, err := decodeMeta(encodeMeta(&m)); err != nil || got.PartChecksums != nil {
		t.Fatalf("mixed widths: %v %v", got.PartChecksums, err)
	}
	for _, bad := range [][]byte{{0}, {4, 1, 2, 3}} {
		if _, err := decodeMeta(append([]byte{'f', 1, tagPartChecksums, byte(len(bad))}, bad...)); err == nil {
			t.Errorf("malformed part checksums %v accepted", bad)
		}
	}
}

func TestMetaRoundTrip(t *testing.T) {
	sizes := make([]int64, 10000)
	for i := range sizes {
		sizes[i] = 8 << 20
	}
	sizes[9999] = 1
	for _, m := range []Meta{{}, {ETag: "x"}, {Parts: 10000, PartSizes: sizes}} {
		b := encodeMeta(&m)
		if len(b) > 200 {
			t.Errorf("%d bytes for %d parts: too big for an xattr budget", len(b), m.Parts)
		}
		got, err := decodeMeta(b)
		if err != nil || !reflect.DeepEqual(*got, m) && !(len(m.PartSizes) == 0 && len(got.PartSizes) == 0) {
			t.Errorf("round trip %+v: %+v %v", m, got, err)
		}
	}
	// Unknown tags are skipped: a later format may add fields.
	b := append(encodeMeta(&Meta{ETag: "e"}), 99, 2, 'h', 'i')
	if m, err := decodeMeta(b); err != nil || m.ETag != "e" {
		t.Fatalf("unknown tag: %+v %v", m, err)
	}
}

func FuzzDecodeMeta(f *testing.F) {
	f.Add(encodeMeta(&sampleMeta))
	f.Add([]byte{'f', 1, tagPartRun, 2, 0xff, 0xff})
	f.Add(encodeMeta(&typicalMeta))
	f.Add([]byte{'f', 1, tagChecksumRaw, 6, 1, 2, 0, 0, 0, 0})
	f.Add([]byte{'f', 1, tagContentTypeCode, 1, 3})
	f.Add([]byte{'f', 1, tagETagMD5, 17, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 3})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := decodeMeta(b)
		if err != nil {
			return
		}
		again, err := decodeMeta(encodeMeta(m))
		if err != nil || !reflect.DeepEqual(again.Stamp, m.Stamp) || again.ETag != m.ETag ||
			!maps.Equal(again.Checksums, m.Checksums) || again.ContentType != m.ContentType {
			t.Fatalf("re-encode: %+v vs %+v %v", again, m, err)
		}
	})
}
