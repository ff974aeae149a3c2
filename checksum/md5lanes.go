package checksum

import (
	"crypto/md5"
	"hash"
	"runtime"
	"sync"
	"sync/atomic"

	md5simd "github.com/minio/md5-simd"
)

// MD5 is most of a large upload's CPU, and one MD5 cannot be sped up: each
// block depends on the one before. Several uploads at once can share a
// core, though: md5-simd hashes up to 16 independent streams in the lanes
// of one AVX-512 (or 8 of AVX2) instruction stream. It only pays when
// enough streams have data at the same moment: measured on this machine
// (BenchmarkMD5Lanes: CPU per GiB, 8 MiB per stream), 8 streams cost 0.50×
// crypto/md5 and 16 cost 0.38×, 4 cost 0.87× and 1 costs 1.36×. So a body
// takes a lane only when it is large and enough other large bodies are
// being hashed; otherwise it uses crypto/md5 as before. "Large" is 16 MiB:
// end to end (fsxdbench at c=8) 1 MiB PUTs and 8 MiB parts came out no
// cheaper and sometimes slower in lanes, their streams too short-lived to
// fill them; 64 MiB PUTs came out 5-10 % cheaper. One server (one
// goroutine) fills the lanes, so at most laneCapacity bodies use it: on a
// machine with many cores and more uploads than that, the rest hash on
// their own goroutines and spread over the cores as before.
//
// Variables so tests and benchmarks can force either way.
var (
	laneMinSize    int64 = 16 << 20 // declared body size for a lane
	laneMinStreams int32 = 4        // large bodies in flight, this one included
)

// laneCapacity is what one md5-simd server hashes at once with AVX-512
// (md5simd.Lanes, which only amd64 builds define).
const laneCapacity = 16

var (
	// largeStreams counts Hashers for large bodies that are not closed,
	// whichever MD5 they use: the load a new one would share lanes with.
	largeStreams atomic.Int32
	// laneStreams counts Hashers holding a lane.
	laneStreams atomic.Int32
	laneServer  = sync.OnceValue(md5simd.NewServer)
)

// largeMD5 is a large body's place in the counts above; a small body has
// none. Its hash is the body's MD5, a lane's when inLane.
type largeMD5 struct {
	hash    hash.Hash
	cleanup runtime.Cleanup // a Hasher dropped without Close is released too
}

// newMD5 returns the MD5 for a body of the declared size, and for a large
// one its place in the counts, held until release or until owner is
// garbage, so a caller that forgets Close cannot skew them for good.
func newMD5(owner *Hasher, size int64) (hash.Hash, *largeMD5) {
	if size < laneMinSize {
		return md5.New(), nil
	}
	l := &largeMD5{}
	if largeStreams.Add(1) >= laneMinStreams {
		if laneStreams.Add(1) <= laneCapacity {
			l.hash = laneServer().NewHash()
		} else {
			laneStreams.Add(-1)
		}
	}
	if l.hash == nil {
		l.hash = md5.New()
	}
	l.cleanup = runtime.AddCleanup(owner, (*largeMD5).release, l)
	return l.hash, l
}

// inLane reports whether l hashes in a shared server's lane.
func (l *largeMD5) inLane() bool {
	_, ok := l.hash.(md5simd.Hasher)
	return ok
}

// release gives back the lane and the count. It runs once: from Close
// (which stops the cleanup first) or from the cleanup, never both.
func (l *largeMD5) release() {
	if c, ok := l.hash.(md5simd.Hasher); ok {
		c.Close()
		laneStreams.Add(-1)
	}
	largeStreams.Add(-1)
}
