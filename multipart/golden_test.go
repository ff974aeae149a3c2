package multipart

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// testdata/v1 is a staging directory written by the first disk format:
// one upload with two parts. It must keep loading, and today's encoder
// must still produce the same bytes (add fields, never change them).
const goldenDir = "testdata/v1"

func goldenUpload() Upload {
	var b [32]byte
	binary.BigEndian.PutUint64(b[:8], uint64(t0.UnixNano()))
	for i := 8; i < 32; i++ {
		b[i] = byte(i * 7)
	}
	return Upload{
		ID: sortable.EncodeToString(b[:]), AccessPoint: "fsxd-ap-1", Key: "photos/2025/cat.jpg",
		Initiated: t0, Owner: "123456789012", ChecksumAlgorithm: "CRC32C", ChecksumType: "COMPOSITE",
		Meta: []byte(`{"Content-Type":"image/jpeg","x-amz-meta-a":"b"}`),
	}
}

var goldenParts = []string{"golden part one\n", "two\n"}

func TestGoldenV1Loads(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(goldenDir)); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := goldenUpload()
	u, err := s.Get(want.ID)
	if err != nil || u.Key != want.Key || !u.Initiated.Equal(t0) || string(u.Meta) != string(want.Meta) || u.ChecksumType != "COMPOSITE" {
		t.Fatalf("Get = %+v %v", u, err)
	}
	for i, data := range goldenParts {
		b, p := readPart(t, s, u.ID, i+1)
		if string(b) != data || p.ETag != md5hex(b) || p.Checksums["CRC32C"] == "" || !p.Modified.Equal(t0.Add(time.Minute)) {
			t.Errorf("part %d = %q %+v", i+1, b, p)
		}
	}
	if r, _ := s.List("fsxd-ap-1", ListOptions{}); len(r.Uploads) != 1 {
		t.Errorf("List = %+v", r)
	}
}

func TestGoldenV1Encoding(t *testing.T) {
	u := goldenUpload()
	gold := filepath.Join(goldenDir, u.ID)
	b, _ := encodeUpload(u)
	if want, _ := os.ReadFile(filepath.Join(gold, uploadJSON)); !bytes.Equal(b, want) {
		t.Errorf("upload.json changed:\n%s\nwant\n%s", b, want)
	}
	s := newStore(t)
	s.Now = func() time.Time { return t0.Add(time.Minute) }
	os.Mkdir(s.uploadDir(u.ID), 0o700)
	for i, data := range goldenParts {
		p := mustPut(t, s, u.ID, i+1, []byte(data))
		got, _ := os.ReadFile(p.Path)
		if want, _ := os.ReadFile(filepath.Join(gold, partName(i+1))); !bytes.Equal(got, want) {
			t.Errorf("part file format changed:\n%q\nwant\n%q", got, want)
		}
	}
}
