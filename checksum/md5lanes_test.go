package checksum

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"time"
)

// withLanes sets the lane thresholds for one test and restores them.
func withLanes(t testing.TB, size int64, streams int32) {
	oldSize, oldStreams := laneMinSize, laneMinStreams
	laneMinSize, laneMinStreams = size, streams
	t.Cleanup(func() { laneMinSize, laneMinStreams = oldSize, oldStreams })
}

// TestMD5Lanes hashes many bodies at once, in lanes and not, with odd
// write sizes, and checks every ETag against crypto/md5.
func TestMD5Lanes(t *testing.T) {
	for _, tc := range []struct {
		name    string
		streams int32
	}{
		{"always lanes", 1},
		{"lanes when 4 run", 4},
		{"never lanes", 1 << 30},
	} {
		t.Run(tc.name, func(t *testing.T) {
			withLanes(t, 1, tc.streams)
			n0, l0 := largeStreams.Load(), laneStreams.Load()
			defer func() {
				if n, l := largeStreams.Load(), laneStreams.Load(); n != n0 || l != l0 {
					t.Errorf("after every Hasher closed: largeStreams %d→%d, laneStreams %d→%d", n0, n, l0, l)
				}
			}()
			var wg sync.WaitGroup
			for g := range 12 {
				wg.Go(func() {
					r := rand.New(rand.NewPCG(uint64(g), 7))
					body := make([]byte, r.IntN(3<<20))
					for i := range body {
						body[i] = byte(r.Uint32())
					}
					h := NewHasher(Options{Size: int64(len(body)), ContentSHA256: g%2 == 0})
					defer h.Close()
					for p := body; len(p) > 0; {
						n := min(len(p), 1+r.IntN(100<<10))
						h.Write(p[:n])
						p = p[n:]
					}
					want := md5.Sum(body)
					if got := h.Sum().ETag; got != hex.EncodeToString(want[:]) {
						t.Errorf("stream %d (%d bytes): ETag %s, want %x", g, len(body), got, want)
					}
				})
			}
			wg.Wait()
		})
	}
}

// TestMD5LanesSumThenWrite: a Sum in the middle does not end the stream,
// and Close without Sum (an aborted upload) releases the lane.
func TestMD5LanesSumThenWrite(t *testing.T) {
	withLanes(t, 1, 1)
	n0, l0 := largeStreams.Load(), laneStreams.Load()
	h := NewHasher(Options{Size: 1 << 20})
	h.Write([]byte("hello "))
	if got, want := h.Sum().ETag, fmt.Sprintf("%x", md5.Sum([]byte("hello "))); got != want {
		t.Errorf("first Sum = %s, want %s", got, want)
	}
	h.Write([]byte("world"))
	if got, want := h.Sum().ETag, fmt.Sprintf("%x", md5.Sum([]byte("hello world"))); got != want {
		t.Errorf("second Sum = %s, want %s", got, want)
	}
	h.Close()
	h.Close()
	aborted := NewHasher(Options{Size: 1 << 20})
	aborted.Write(make([]byte, 100<<10))
	aborted.Close()
	if n, l := largeStreams.Load(), laneStreams.Load(); n != n0 || l != l0 {
		t.Errorf("largeStreams %d→%d, laneStreams %d→%d", n0, n, l0, l)
	}
}

// TestMD5ForChoice: small or unknown sizes never take a lane; large ones
// do only once enough others are in flight.
func TestMD5ForChoice(t *testing.T) {
	withLanes(t, 1<<20, largeStreams.Load()+3) // others may be open
	var open []*Hasher
	defer func() {
		for _, h := range open {
			h.Close()
		}
	}()
	for i, tc := range []struct {
		size      int64
		wantLane  bool
		wantLarge bool
	}{
		{-1, false, false},
		{4 << 10, false, false},
		{1 << 20, false, true}, // 1st large
		{8 << 20, false, true}, // 2nd
		{4 << 10, false, false},
		{8 << 20, true, true}, // 3rd: lanes from here
		{64 << 20, true, true},
	} {
		h := NewHasher(Options{Size: tc.size})
		open = append(open, h)
		lane, large := h.large != nil && h.large.inLane(), h.large != nil
		if lane != tc.wantLane || large != tc.wantLarge {
			t.Errorf("#%d size %d: lane %v large %v, want %v %v", i, tc.size, lane, large, tc.wantLane, tc.wantLarge)
		}
	}
}

// TestMD5LanesCapacity: once every lane of the server is taken, further
// large bodies hash on their own goroutines.
func TestMD5LanesCapacity(t *testing.T) {
	withLanes(t, 1, 1)
	l0 := laneStreams.Load()
	var hs []*Hasher
	for range laneCapacity + 3 {
		hs = append(hs, NewHasher(Options{Size: 1 << 20}))
	}
	lanes := 0
	for _, h := range hs {
		if h.large != nil && h.large.inLane() {
			lanes++
		}
	}
	if want := laneCapacity - int(l0); lanes != want {
		t.Errorf("%d Hashers in lanes, want %d", lanes, want)
	}
	for _, h := range hs {
		h.Close()
	}
	if n := laneStreams.Load(); n != l0 {
		t.Errorf("laneStreams %d→%d after Close", l0, n)
	}
}

// TestMD5LanesDropped: a Hasher dropped without Close (a caller's bug)
// gives its lane and count back once it is garbage.
func TestMD5LanesDropped(t *testing.T) {
	withLanes(t, 1, 1)
	n0 := largeStreams.Load()
	func() {
		h := NewHasher(Options{Size: 1 << 20})
		h.Write(make([]byte, 64<<10))
	}()
	for i := 0; i < 2000 && largeStreams.Load() != n0; i++ { // up to 10 s on a loaded machine
		runtime.GC()
		time.Sleep(5 * time.Millisecond) // cleanups run on their own goroutine
	}
	if n := largeStreams.Load(); n != n0 {
		t.Errorf("largeStreams %d→%d after the Hasher became garbage", n0, n)
	}
}
