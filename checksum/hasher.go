package checksum

import (
	"encoding/base64"
	"encoding/hex"
	"hash"
	"io"
	"slices"
)

// Options say what a Hasher computes besides MD5.
type Options struct {
	// Algorithms are the x-amz-checksum-* values to compute.
	Algorithms []Algorithm
	// ContentSHA256 computes the payload SHA-256 for a caller that checks
	// x-amz-content-sha256 itself. SigV4 usually does that while reading, so
	// this is normally off. Shared with SHA256 if both are asked for.
	ContentSHA256 bool
	// Size is the body's declared length (0 or -1: unknown). A body
	// declared at least fanoutMin long runs its extra hashes on other
	// cores from its first byte, rather than after fanoutMin bytes.
	Size int64
}

// Sums is what a Hasher has seen.
type Sums struct {
	Size int64
	// ETag is the hex MD5 (unquoted); MD5 the same digest in binary, for
	// Content-MD5 and multipart ETags.
	ETag string
	MD5  []byte
	// ContentSHA256 is the hex payload SHA-256 when Options asked for it.
	ContentSHA256 string
	// Checksums maps each requested algorithm to its base64 value.
	Checksums map[Algorithm]string
}

// Hasher is an io.Writer computing MD5 and the requested checksums in one
// pass. Small writes are hashed in place without allocating; once enough
// bytes have gone by, the extra hashes run on other cores (see fanout.go).
// A Hasher is not safe for concurrent use.
type Hasher struct {
	md5    hash.Hash
	large  *largeMD5   // nil for a small body
	extra  []hash.Hash // one per algorithm, plus content SHA-256 if separate
	algs   []Algorithm // algs[i] names extra[i]; "" for content SHA-256 alone
	sha256 hash.Hash   // content SHA-256, also in extra; nil if not asked
	size   int64
	expect int64   // Options.Size
	fan    *fanout // non-nil while the extra hashes run in parallel
	serial bool    // never fan out (benchmarks compare both ways)
	closed bool

	// Backing arrays for extra and algs, so building a Hasher for a small
	// PUT costs no slice growth.
	extraArr [maxExtra]hash.Hash
	algsArr  [maxExtra]Algorithm
}

// maxExtra: every algorithm once, plus a separate content SHA-256.
const maxExtra = 6

var _ io.Writer = (*Hasher)(nil)

// NewHasher returns a Hasher for o. It panics on an unknown algorithm:
// callers get algorithms from ParseAlgorithm or the constants.
func NewHasher(o Options) *Hasher {
	h := &Hasher{expect: o.Size}
	h.md5, h.large = newMD5(h, o.Size)
	h.extra, h.algs = h.extraArr[:0], h.algsArr[:0]
	for _, a := range o.Algorithms {
		if slices.Contains(h.algs, a) {
			continue
		}
		x := a.newHash()
		if x == nil {
			panic("checksum: unknown algorithm " + string(a))
		}
		h.extra, h.algs = append(h.extra, x), append(h.algs, a)
		if a == SHA256 && o.ContentSHA256 {
			h.sha256 = x
		}
	}
	if o.ContentSHA256 && h.sha256 == nil {
		h.sha256 = SHA256.newHash()
		h.extra, h.algs = append(h.extra, h.sha256), append(h.algs, "")
	}
	return h
}

// Close releases what the Hasher holds beyond memory: an MD5 lane, and its
// place in the count of large bodies. Sums stay valid; Write and Sum must
// not be called afterwards. Close is idempotent.
func (h *Hasher) Close() {
	if h.closed {
		return
	}
	h.closed = true
	if h.fan != nil {
		h.fan.finish()
		h.fan = nil
	}
	if h.large != nil {
		h.large.cleanup.Stop()
		h.large.release()
	}
}

// Reader returns a reader that feeds everything read from r to h.
func Reader(r io.Reader, h *Hasher) io.Reader { return io.TeeReader(r, h) }

// Write hashes p. It never fails.
func (h *Hasher) Write(p []byte) (int, error) {
	h.size += int64(len(p))
	if h.fan == nil && h.startFanout(len(p)) {
		h.fan = newFanout(h.extra)
	}
	if h.fan != nil {
		h.fan.write(p, h.md5)
		return len(p), nil
	}
	h.md5.Write(p)
	for _, x := range h.extra {
		x.Write(p)
	}
	return len(p), nil
}

// startFanout decides whether the extra hashes should move to other cores
// from now on: only when there are any, cores to run them, and enough data
// that copying into a buffer and waking goroutines pays for itself.
func (h *Hasher) startFanout(n int) bool {
	return !h.serial && len(h.extra) > 0 && max(h.size, h.expect) >= fanoutMin && fanoutWorkers(len(h.extra)) > 0
}

// Size is the number of bytes written so far.
func (h *Hasher) Size() int64 { return h.size }

// Sum returns the sums of everything written so far. Writing may continue
// afterwards.
func (h *Hasher) Sum() Sums {
	if h.fan != nil {
		h.fan.finish()
		h.fan = nil
	}
	m := h.md5.Sum(nil)
	s := Sums{Size: h.size, ETag: hex.EncodeToString(m), MD5: m}
	if h.sha256 != nil {
		s.ContentSHA256 = hex.EncodeToString(h.sha256.Sum(nil))
	}
	s.Checksums = make(map[Algorithm]string, len(h.algs))
	for i, a := range h.algs {
		if a != "" {
			s.Checksums[a] = base64.StdEncoding.EncodeToString(h.extra[i].Sum(nil))
		}
	}
	return s
}
