package identity

import (
	"fmt"
	"testing"
)

// TestParsedBound: the cache never holds more text than its bound, and
// what it evicts is parsed again on demand.
func TestParsedBound(t *testing.T) {
	doc := allowDoc("s3:GetObject")
	c := parsed{max: 3 * len(doc)}
	for i := range 10 {
		if _, err := c.parse(allowDoc(fmt.Sprintf("s3:Get%d", i))); err != nil {
			t.Fatal(err)
		}
		if c.size > c.max || len(c.docs) > 3 {
			t.Fatalf("after %d documents: %d bytes in %d entries, bound %d", i+1, c.size, len(c.docs), c.max)
		}
	}
	if _, err := c.parse(`{"Version":`); err == nil || len(c.docs) > 3 {
		t.Errorf("malformed text: err %v, %d entries", err, len(c.docs))
	}
}

// BenchmarkParsed compares a parse with a cache hit: the cost of a
// principal's reload after an IAM write, per document.
func BenchmarkParsed(b *testing.B) {
	text := allowDoc("s3:GetObject")
	b.Run("miss", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c := parsed{max: maxParsedBytes}
			c.parse(text)
		}
	})
	b.Run("hit", func(b *testing.B) {
		c := parsed{max: maxParsedBytes}
		c.parse(text)
		b.ReportAllocs()
		for b.Loop() {
			c.parse(text)
		}
	})
}
