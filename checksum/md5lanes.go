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

// md5Stream is a Hasher's MD5 and its place in the counts above.
type md5Stream struct {
	hash.Hash
	large    bool // counted in largeStreams
	released atomic.Bool
	cleanup  runtime.Cleanup // set when large: a dropped Hasher is released too
}

// newMD5 returns the MD5 for a body of the declared size. A large one
// holds a place in the counts until release, or until its Hasher is
// garbage, so a caller that forgets Close cannot skew them for good.
func newMD5(owner *Hasher, size int64) *md5Stream {
	if size < laneMinSize {
		return &md5Stream{Hash: md5.New()}
	}
	s := &md5Stream{Hash: md5.New(), large: true}
	if largeStreams.Add(1) >= laneMinStreams {
		if laneStreams.Add(1) <= laneCapacity {
			s.Hash = laneServer().NewHash()
		} else {
			laneStreams.Add(-1)
		}
	}
	s.cleanup = runtime.AddCleanup(owner, (*md5Stream).release, s)
	return s
}

// inLane reports whether s hashes in a shared server's lane.
func (s *md5Stream) inLane() bool {
	_, ok := s.Hash.(md5simd.Hasher)
	return ok
}

// release gives back the lane and the count; only the first call acts.
func (s *md5Stream) release() {
	if !s.large || s.released.Swap(true) {
		return
	}
	if c, ok := s.Hash.(md5simd.Hasher); ok {
		c.Close()
		laneStreams.Add(-1)
	}
	largeStreams.Add(-1)
}
