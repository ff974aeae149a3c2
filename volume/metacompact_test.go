package volume

import (
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// typicalMeta is what a plain PUT from an AWS SDK stores: the content type
// the SDK sends for an untyped body, an MD5 ETag, the CRC32 newer SDKs send
// by default, and the Stamp.
var typicalMeta = Meta{
	ContentType: "application/octet-stream",
	ETag:        "9e107d9d372bb6826bd81d3542a419d6",
	Checksums:   map[string]string{"CRC32": "Ow47Gw==", "CRC32-TYPE": "FULL_OBJECT"},
	Stamp:       Stamp{Size: 4096, MtimeNs: time.Date(2026, 12, 6, 7, 0, 0, 123456789, time.UTC).UnixNano(), Ino: 1 << 26},
}

// inodeXattrRoom is the largest value of user.fsxd.meta that ext4 keeps
// inside a 256-byte inode (measured on this machine's ext4: 60 bytes take
// no block, 64 bytes take one).
const inodeXattrRoom = 60

func TestMetaFitsInInode(t *testing.T) {
	for _, m := range []Meta{
		typicalMeta,
		{ETag: typicalMeta.ETag + "-3", Parts: 3, PartSizes: []int64{8 << 20, 8 << 20, 8 << 20},
			Checksums: map[string]string{"CRC64NVME": "AAAAAAAAAAA=", "CRC64NVME-TYPE": "FULL_OBJECT"},
			Stamp:     typicalMeta.Stamp},
		{ETag: typicalMeta.ETag, ContentType: "image/jpeg", Checksums: typicalMeta.Checksums, Stamp: typicalMeta.Stamp},
	} {
		if n := len(encodeMeta(&m)); n > inodeXattrRoom {
			t.Errorf("%d bytes (> %d) for %+v", n, inodeXattrRoom, m)
		}
	}
}

// Every value round-trips exactly, compact or not; the table says which
// form each one must take.
func TestMetaCompactRecords(t *testing.T) {
	md5 := typicalMeta.ETag
	for _, tc := range []struct {
		name    string
		m       Meta
		compact []int // tags that must appear
		text    []int // tags that must appear instead
	}{
		{"md5", Meta{ETag: md5}, []int{tagETagMD5}, nil},
		{"multipart", Meta{ETag: md5 + "-3"}, []int{tagETagMD5}, nil},
		{"uppercase hex", Meta{ETag: "9E107D9D372BB6826BD81D3542A419D6"}, nil, []int{tagETag}},
		{"zero parts", Meta{ETag: md5 + "-0"}, nil, []int{tagETag}},
		{"leading zero", Meta{ETag: md5 + "-03"}, nil, []int{tagETag}},
		{"not hex", Meta{ETag: "zz107d9d372bb6826bd81d3542a419d6"}, nil, []int{tagETag}},
		{"short", Meta{ETag: "abc"}, nil, []int{tagETag}},
		{"crc32 typed", Meta{Checksums: map[string]string{"CRC32": "Ow47Gw==", "CRC32-TYPE": "COMPOSITE"}}, []int{tagChecksumRaw}, nil},
		{"sha256 untyped", Meta{Checksums: map[string]string{"SHA256": "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="}}, []int{tagChecksumRaw}, nil},
		{"composite suffix", Meta{Checksums: map[string]string{"CRC32": "Ow47Gw==-3", "CRC32-TYPE": "COMPOSITE"}}, nil, []int{tagChecksum}},
		{"not canonical base64", Meta{Checksums: map[string]string{"CRC32": "Ow47Gx=="}}, nil, []int{tagChecksum}},
		{"wrong width", Meta{Checksums: map[string]string{"CRC32": "AAAAAAAAAAA="}}, nil, []int{tagChecksum}},
		{"unknown type", Meta{Checksums: map[string]string{"CRC32": "Ow47Gw==", "CRC32-TYPE": "OTHER"}}, nil, []int{tagChecksum}},
		{"common type", Meta{ContentType: "application/octet-stream"}, []int{tagContentTypeCode}, nil},
		{"last common type", Meta{ContentType: "application/x-directory"}, []int{tagContentTypeCode}, nil},
		{"other type", Meta{ContentType: "application/octet-stream; x=1"}, nil, []int{tagContentType}},
		{"type in other case", Meta{ContentType: "Text/Plain"}, nil, []int{tagContentType}},
		{"two algorithms", Meta{Checksums: map[string]string{"CRC32": "Ow47Gw==", "CRC32C": "Ow47Gw=="}}, nil, []int{tagChecksum}},
		{"type alone", Meta{Checksums: map[string]string{"CRC32-TYPE": "COMPOSITE"}}, nil, []int{tagChecksum}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := encodeMeta(&tc.m)
			tags := recordTags(t, b)
			for _, want := range append(tc.compact, tc.text...) {
				if !tags[want] {
					t.Errorf("no record %d in %x", want, b)
				}
			}
			got, err := decodeMeta(b)
			if err != nil || !reflect.DeepEqual(*got, tc.m) {
				t.Fatalf("round trip: %v\n got %+v\nwant %+v", err, got, tc.m)
			}
		})
	}
}

func TestMetaCompactMalformed(t *testing.T) {
	md5 := []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	for _, tc := range []struct {
		name    string
		tag     int
		payload []byte
	}{
		{"short md5", tagETagMD5, md5[:15]},
		{"zero parts", tagETagMD5, append(md5[:16:16], 0)},
		{"junk after parts", tagETagMD5, append(md5[:16:16], 3, 3)},
		{"cut varint", tagETagMD5, append(md5[:16:16], 0x80)},
		{"no algorithm", tagChecksumRaw, []byte{0, 0, 1, 2, 3, 4}},
		{"unknown algorithm", tagChecksumRaw, []byte{9, 0, 1, 2, 3, 4}},
		{"unknown type", tagChecksumRaw, []byte{1, 3, 1, 2, 3, 4}},
		{"short sum", tagChecksumRaw, []byte{1, 1, 1, 2, 3}},
		{"long sum", tagChecksumRaw, []byte{1, 1, 1, 2, 3, 4, 5}},
		{"empty", tagChecksumRaw, nil},
		{"type code 0", tagContentTypeCode, []byte{0}},
		{"type code past the table", tagContentTypeCode, []byte{byte(len(commonContentTypes) + 1)}},
		{"two type bytes", tagContentTypeCode, []byte{1, 1}},
	} {
		b := record([]byte{'f', 1}, byte(tc.tag), tc.payload)
		if m, err := decodeMeta(b); err == nil {
			t.Errorf("%s: accepted as %+v", tc.name, m)
		}
	}
}

// recordTags lists the tags of an encoded Meta's records.
func recordTags(t *testing.T, b []byte) map[int]bool {
	t.Helper()
	tags := map[int]bool{}
	for b = b[2:]; len(b) > 0; {
		n := int(b[1]) // every record here is shorter than 128 bytes
		tags[int(b[0])] = true
		b = b[2+n:]
	}
	return tags
}

// TestObjectTakesNoXattrBlock writes a typical object through the API and
// checks that ext4 gave it no block beyond its data. Other file systems
// place xattrs their own way; there the test has nothing to check.
func TestObjectTakesNoXattrBlock(t *testing.T) {
	r, dir := newRoot(t, Options{})
	var sfs unix.Statfs_t
	if err := unix.Statfs(dir, &sfs); err != nil || sfs.Type != unix.EXT4_SUPER_MAGIC {
		t.Skipf("not ext4 (statfs type %#x, %v): xattr placement is the file system's", sfs.Type, err)
	}
	w, err := r.As(rootID).Create(ctx, key(t, "a/obj"))
	if err != nil {
		t.Fatal(err)
	}
	w.Write(make([]byte, 4096))
	m := typicalMeta
	m.Stamp = Stamp{}
	if _, err := w.Commit(m, nil); err != nil {
		t.Fatal(err)
	}
	var st unix.Stat_t
	if err := unix.Stat(filepath.Join(dir, "a/obj"), &st); err != nil {
		t.Fatal(err)
	}
	if st.Blocks != 8 { // 512-byte units: one 4 KiB data block
		t.Fatalf("st_blocks = %d, want 8 (the Meta took an xattr block)", st.Blocks)
	}
}
