package bench

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"
)

// Op is one benchmark operation by worker w, its i-th; conc is the case's
// concurrency (an op that is itself parallel, like a multipart upload,
// uses it inside). It returns the payload bytes it moved.
type Op func(ctx context.Context, conc, w, i int) (int64, error)

// errExhausted ends a worker without counting an error: its op ran out of
// prepared work (DELETE's pre-created keys).
var errExhausted = errors.New("prepared work exhausted")

// maxErrors per worker: enough to see an error is not a fluke, few enough
// that a broken target does not spin for the whole duration.
const maxErrors = 20

// Sample is one measurement: counts, wall time and latency quantiles.
type Sample struct {
	Ops      int
	Bytes    int64
	Errors   int
	FirstErr string
	Elapsed  time.Duration
	P50, P99 time.Duration
}

// OpsPerSec is completed operations over wall time.
func (s Sample) OpsPerSec() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Ops) / s.Elapsed.Seconds()
}

// MiBPerSec is payload throughput over wall time.
func (s Sample) MiBPerSec() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Bytes) / (1 << 20) / s.Elapsed.Seconds()
}

// Measure runs op on workers goroutines until dur has passed; every worker
// completes at least one op, so an op longer than dur is still measured
// (wall time then stretches to cover it).
func Measure(ctx context.Context, workers, conc int, dur time.Duration, op Op) Sample {
	type acc struct {
		ops, errs int
		bytes     int64
		first     error
		lat       []time.Duration
	}
	accs := make([]acc, workers)
	start := time.Now()
	deadline := start.Add(dur)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			a := &accs[w]
			for i := 0; i == 0 || time.Now().Before(deadline); i++ {
				if ctx.Err() != nil {
					return
				}
				t0 := time.Now()
				n, err := op(ctx, conc, w, i)
				d := time.Since(t0)
				switch {
				case errors.Is(err, errExhausted):
					return
				case err != nil:
					a.errs++
					if a.first == nil {
						a.first = err
					}
					if a.errs >= maxErrors {
						return
					}
				default:
					a.ops++
					a.bytes += n
					a.lat = append(a.lat, d)
				}
			}
		})
	}
	wg.Wait()
	s := Sample{Elapsed: time.Since(start)}
	var lat []time.Duration
	for _, a := range accs {
		s.Ops += a.ops
		s.Errors += a.errs
		s.Bytes += a.bytes
		if a.first != nil && s.FirstErr == "" {
			s.FirstErr = a.first.Error()
		}
		lat = append(lat, a.lat...)
	}
	slices.Sort(lat)
	s.P50, s.P99 = quantile(lat, 0.50), quantile(lat, 0.99)
	return s
}

// quantile of sorted durations, nearest rank.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// parallel runs fn(i) for i in [0, n) on up to workers goroutines; used
// for untimed setup. It stops at the first error.
func parallel(ctx context.Context, n, workers int, fn func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, max(n, 1)) {
		wg.Go(func() {
			for i := range next {
				if err := fn(ctx, i); err != nil {
					cancel(err)
				}
			}
		})
	}
feed:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	return context.Cause(ctx)
}
