package multipart

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"
)

// A part file is the part's bytes followed by its metadata:
//
//	data | JSON partMeta | uint32 BE len(JSON) | "FSXDPRT1"
//
// Keeping metadata in the data's own file makes the one rename that
// publishes a part publish both, on any file system (extended attributes
// would need a fallback where there are none, and a sidecar file a second
// name to keep paired). The data starts at offset 0, so copying the first
// Size bytes into the final object can still be reflinked block by block.
// This is a disk format: add fields, never change them.
type partMeta struct {
	Version   int               `json:"v"`
	Number    int               `json:"n"`
	Size      int64             `json:"size"`
	ETag      string            `json:"etag"`
	Checksums map[string]string `json:"checksums,omitempty"`
	Modified  time.Time         `json:"modified"`
	// Slot is the part's offset in the slot file when its data is there
	// (slot.go); the record then holds no data.
	Slot *int64 `json:"slot,omitempty"`
}

const (
	trailerMagic = "FSXDPRT1"
	trailerFixed = 4 + len(trailerMagic)
	// tailRead is how much of a part's end one read fetches: enough for any
	// metadata S3 can produce, so listing parts costs one pread each.
	tailRead = 1024
)

var errCorrupt = errors.New("corrupt part file")

func writeTrailer(f *os.File, p Part) error {
	m := partMeta{1, p.Number, p.Size, p.ETag, p.Checksums, p.Modified, nil}
	if p.InSlot {
		m.Slot = &p.Offset
	}
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	b = binary.BigEndian.AppendUint32(b, uint32(len(b)))
	b = append(b, trailerMagic...)
	_, err = f.Write(b)
	return err
}

// readTrailer reads the metadata of the part file open as f.
func readTrailer(f *os.File) (Part, error) {
	fi, err := f.Stat()
	if err != nil {
		return Part{}, err
	}
	end := fi.Size()
	tail := make([]byte, min(end, tailRead))
	if _, err := f.ReadAt(tail, end-int64(len(tail))); err != nil {
		return Part{}, err
	}
	js, err := metaJSON(f, tail, end)
	if err != nil {
		return Part{}, err
	}
	var m partMeta
	if err := json.Unmarshal(js, &m); err != nil {
		return Part{}, errCorrupt
	}
	data := end - int64(len(js)+trailerFixed)
	p := Part{Number: m.Number, Size: m.Size, ETag: m.ETag, Checksums: m.Checksums, Modified: m.Modified}
	switch {
	case m.Slot == nil && m.Size == data:
	case m.Slot != nil && data == 0 && *m.Slot >= 0 && m.Size >= 0:
		p.InSlot, p.Offset = true, *m.Slot
	default:
		return Part{}, errCorrupt
	}
	return p, nil
}

// metaJSON extracts the JSON from tail, the last bytes of a file of size
// end, reading further back only for unusually large metadata.
func metaJSON(f *os.File, tail []byte, end int64) ([]byte, error) {
	if len(tail) < trailerFixed || string(tail[len(tail)-len(trailerMagic):]) != trailerMagic {
		return nil, errCorrupt
	}
	n := int64(binary.BigEndian.Uint32(tail[len(tail)-trailerFixed:]))
	if n+int64(trailerFixed) > end {
		return nil, errCorrupt
	}
	if int(n)+trailerFixed <= len(tail) {
		return tail[len(tail)-trailerFixed-int(n) : len(tail)-trailerFixed], nil
	}
	js := make([]byte, n)
	if _, err := f.ReadAt(js, end-int64(trailerFixed)-n); err != nil {
		return nil, err
	}
	return js, nil
}

func corruptErr(path string) error { return fmt.Errorf("multipart: %s: %w", path, errCorrupt) }
