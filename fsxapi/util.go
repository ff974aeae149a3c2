package fsxapi

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/awsjson"
	"github.com/fsxd/fsxd/store"
)

// ptr and val move between the generated shapes' optional members and
// plain values.
func ptr[T any](v T) *T { return &v }

func val[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// or returns *p, or def when p is nil.
func or[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}

func awsTime(t time.Time) awsjson.Time { return awsjson.Time{Time: t} }

func randomUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// fakeIP derives a stable private address from a seed (a resource id), so
// endpoints look real and stay the same across describes. 198.19.0.0/16 is
// the range FSx itself uses for ONTAP endpoints.
func fakeIP(seed string, n int) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("%s/%d", seed, n)))
	v := binary.BigEndian.Uint16(h[:2])
	return fmt.Sprintf("198.19.%d.%d", v>>8, 1+int(v&0xff)%254)
}

// fakeHex derives 17 stable hex digits (a VPC or ENI id body) from a seed.
func fakeHex(seed string) string { return fmt.Sprintf("%x", sha256.Sum256([]byte(seed)))[:17] }

// toWireTags and fromWireTags convert between the record's tags and the shape's.
func toWireTags(tags []fsxd.Tag) []Tag {
	if len(tags) == 0 {
		return nil
	}
	out := make([]Tag, len(tags))
	for i, t := range tags {
		out[i] = Tag{Key: ptr(t.Key), Value: ptr(t.Value)}
	}
	return out
}

func fromWireTags(tags []Tag) []fsxd.Tag {
	var out []fsxd.Tag
	for _, t := range tags {
		out = setTag(out, val(t.Key), val(t.Value))
	}
	return out
}

// setTag adds or replaces a tag, keeping first-set order.
func setTag(tags []fsxd.Tag, key, value string) []fsxd.Tag {
	for i := range tags {
		if tags[i].Key == key {
			tags[i].Value = value
			return tags
		}
	}
	return append(tags, fsxd.Tag{Key: key, Value: value})
}

func tagValue(tags []Tag, key string) (string, bool) {
	for _, t := range tags {
		if val(t.Key) == key {
			return val(t.Value), true
		}
	}
	return "", false
}

// notFoundAs maps the store's ErrNotFound to the operation's modelled error.
func notFoundAs(err error, nf error) error {
	if errors.Is(err, store.ErrNotFound) {
		return nf
	}
	return err
}
