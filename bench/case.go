package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/fsx"
)

// Job is what one case does on one target.
type Job struct {
	Setup   func(ctx context.Context) error         // once, untimed; nil: none
	Prepare func(ctx context.Context, m Prep) error // before each measurement, untimed
	Op      Op
}

// Prep says which measurement a Prepare precedes, and how long it may
// take: about as long as the measurement, so setup never dominates a run.
type Prep struct {
	Conc, Round int
	Budget      time.Duration
}

// Case is one row of the report (per concurrency).
type Case struct {
	Name    string
	Min     float64                  // target ratio fsxd/stub at TargetConc; 0: none
	Ident   bool                     // also measure the non-root access point
	Serial  bool                     // one op at a time; the op uses the concurrency itself
	Signed  bool                     // sends a body signed with its SHA-256, which fsxd checks
	S3      func(t *Target) *Job     // on fsxd and the stub
	Raw     func(dir string) *Job    // the file-system ceiling; nil: none
	Control func(c *fsx.Client) *Job // control plane: fsxd only
}

// Sizes of the object cases.
const (
	KiB = 1 << 10
	MiB = 1 << 20
)

// Cases are the cases with its targets (issue 18's table; cases
// it does not name keep issue 7's). short keeps the run near
// a minute: no 64 MiB objects and no 100,000-key listing, a 64 MiB
// multipart upload and 200 attachments.
func Cases(short bool) []Case {
	cs := []Case{
		putCase(4*KiB, 0.30), putCase(1*MiB, 0.80),
		getCase(4*KiB, 0.75, true), getCase(1*MiB, 0.7, false),
	}
	if !short {
		cs = append(cs, putCase(64*MiB, 0.90), getCase(64*MiB, 0.90, false))
	}
	cs = append(cs, headCase(), deleteCase())
	if short {
		cs = append(cs, multipartCase(64*MiB, 8*MiB, 0.70), listCase(10_000, 0.80), describeCase(200))
	} else {
		cs = append(cs, multipartCase(256*MiB, 8*MiB, 0.70), listCase(10_000, 0.80), listCase(100_000, 0), describeCase(1000))
	}
	return cs
}

func sizeName(n int64) string {
	switch {
	case n >= MiB && n%MiB == 0:
		return fmt.Sprintf("%dMiB", n/MiB)
	case n >= KiB && n%KiB == 0:
		return fmt.Sprintf("%dKiB", n/KiB)
	}
	return fmt.Sprintf("%dB", n)
}

// keysPer is how many keys each PUT worker cycles through: enough that
// small writes are not all to one file, few enough that the stub's memory
// stays bounded for large ones.
func keysPer(size int64) int { return int(min(max(16*MiB/size, 1), 64)) }

// readObjects is how many objects GET/HEAD read from, round robin.
func readObjects(size int64) int { return int(min(max(128*MiB/size, 1), 64)) }

var (
	payloadOnce sync.Once
	payloadBuf  []byte
)

// payload returns n pseudo-random bytes (n ≤ 64 MiB), shared read-only by
// every request: incompressible, and generated once, not per op.
func payload(n int64) []byte {
	payloadOnce.Do(func() {
		payloadBuf = make([]byte, 64*MiB)
		rand.NewChaCha8([32]byte{'f', 's', 'x', 'd'}).Read(payloadBuf)
	})
	return payloadBuf[:n]
}

// pool is prepared work (keys or files to delete) consumed by an op.
type pool struct {
	items []string
	next  atomic.Int64
}

func (p *pool) take() (string, error) {
	i := p.next.Add(1) - 1
	if i >= int64(len(p.items)) {
		return "", errExhausted
	}
	return p.items[i], nil
}

// fill makes up to limit items with make, 8 at a time, for at most budget:
// enough for the measurement that follows in most cases; the op stops
// early (errExhausted) otherwise, and rates stay right.
func (p *pool) fill(ctx context.Context, budget time.Duration, limit int, make func(ctx context.Context, i int) (string, error)) error {
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	var mu sync.Mutex
	p.items = p.items[:0]
	p.next.Store(0)
	err := parallel(ctx, limit, 8, func(ctx context.Context, i int) error {
		s, err := make(ctx, i)
		if err != nil {
			return err
		}
		mu.Lock()
		p.items = append(p.items, s)
		mu.Unlock()
		return nil
	})
	if ctx.Err() != nil && len(p.items) > 0 {
		return nil // the budget ran out: what exists is the pool
	}
	return err
}
