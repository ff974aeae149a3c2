package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"slices"
	"strings"
)

var (
	chunkAlgorithm   = []byte("AWS4-HMAC-SHA256-PAYLOAD\n")
	trailerAlgorithm = []byte("AWS4-HMAC-SHA256-TRAILER\n")
	// emptyHashLine: the chunk string to sign has the hash of no headers,
	// a vestige of the event-stream format it shares.
	emptyHashLine = []byte("\n" + emptySHA256 + "\n")
	newline       = []byte("\n")
)

// chunkSigner checks the signature chain of an aws-chunked body: each chunk
// signs its data and the previous signature, the first one the request's
// seed signature, the trailer signature the last chunk's. It allocates
// nothing per chunk.
type chunkSigner struct {
	mac     hash.Hash // HMAC-SHA256 keyed with the signing key
	data    hash.Hash // SHA-256 of the current chunk's data
	head    []byte    // "<X-Amz-Date>\n<scope>\n"
	prev    [64]byte  // hex signature of the previous chunk; the seed first
	claim   [32]byte  // signature the current chunk claims
	claimOK bool
	// Scratch space: arrays on the stack would escape through the
	// hash.Hash interface calls and cost an allocation per chunk.
	sum    [32]byte
	sumHex [64]byte
}

func newChunkSigner(key []byte, amzDate, scope, seed string) *chunkSigner {
	s := &chunkSigner{
		mac:  hmac.New(sha256.New, key),
		data: sha256.New(),
		head: []byte(amzDate + "\n" + scope + "\n"),
	}
	copy(s.prev[:], strings.ToLower(seed))
	return s
}

// begin starts a chunk whose header claims signature claim.
func (s *chunkSigner) begin(claim []byte) {
	s.claim, s.claimOK = decodeHex32(claim)
	s.data.Reset()
}

// checkChunk checks the current chunk once all its data went through s.data.
func (s *chunkSigner) checkChunk() error {
	hex.Encode(s.sumHex[:], s.data.Sum(s.sum[:0]))
	s.mac.Reset()
	s.mac.Write(chunkAlgorithm)
	s.mac.Write(s.head)
	s.mac.Write(s.prev[:])
	s.mac.Write(emptyHashLine)
	s.mac.Write(s.sumHex[:])
	return s.settle("chunk")
}

type trailerField struct{ name, value string }

// checkTrailer checks x-amz-trailer-signature over the trailers, which are
// signed as canonical headers: "name:value\n", sorted by name.
func (s *chunkSigner) checkTrailer(fields []trailerField, claim string) error {
	s.claim, s.claimOK = decodeHex32(claim)
	slices.SortStableFunc(fields, func(a, b trailerField) int { return strings.Compare(a.name, b.name) })
	h := sha256.New()
	for _, f := range fields {
		h.Write([]byte(f.name + ":" + f.value + "\n"))
	}
	hex.Encode(s.sumHex[:], h.Sum(s.sum[:0]))
	s.mac.Reset()
	s.mac.Write(trailerAlgorithm)
	s.mac.Write(s.head)
	s.mac.Write(s.prev[:])
	s.mac.Write(newline)
	s.mac.Write(s.sumHex[:])
	return s.settle("trailer")
}

// settle compares the computed signature with the claim and moves the
// chain on.
func (s *chunkSigner) settle(what string) error {
	got := s.mac.Sum(s.sum[:0])
	if !s.claimOK || !hmac.Equal(got, s.claim[:]) {
		return newErr(ErrChunkSignature, "the "+what+" signature we calculated does not match the one provided")
	}
	hex.Encode(s.prev[:], got)
	return nil
}
