package multipart

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"time"
)

// sortable is base64 with its alphabet in ASCII order, so encoded strings
// sort as their bytes do. All its characters are URL- and file-name-safe,
// and none is '.', which keeps IDs apart from temporary names.
var sortable = base64.NewEncoding("-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz").WithPadding(base64.NoPadding)

const (
	idRandom = 24                   // bytes of randomness: unguessable IDs
	idLen    = (8+idRandom)*8/6 + 1 // 43 characters
)

// newID makes an upload ID that starts with the initiation time. So IDs of
// one key sort by initiation, which is the order ListMultipartUploads uses,
// and an upload-id-marker stays meaningful after its upload is gone. Expire
// also reads an upload's age from its ID without opening it.
func newID(initiated time.Time) string {
	var b [8 + idRandom]byte
	binary.BigEndian.PutUint64(b[:8], uint64(initiated.UnixNano()))
	rand.Read(b[8:])
	return sortable.EncodeToString(b[:])
}

// idTime returns the initiation time inside a valid ID.
func idTime(id string) (time.Time, bool) {
	if len(id) != idLen {
		return time.Time{}, false
	}
	b, err := sortable.Strict().DecodeString(id)
	if err != nil {
		return time.Time{}, false
	}
	return time.Unix(0, int64(binary.BigEndian.Uint64(b[:8]))), true
}

// validID guards every path built from a client-supplied ID.
func validID(id string) bool {
	_, ok := idTime(id)
	return ok
}

// randName is a short random suffix for temporary names.
func randName() string {
	var b [9]byte
	rand.Read(b[:])
	return sortable.EncodeToString(b[:])
}
