package bench

import "context"

// probe reads fsxd's memory figures around one measurement: allocations
// from its Go runtime counters, peak RSS from /proc.
type probe struct {
	p                 *Process
	m0, b0, m1, b1    float64
	allocsOK, resetOK bool
	rssBefore         int64
}

// startProbe scrapes the counters twice back to back: the difference is
// what one scrape (and the idle server) allocates, subtracted afterwards,
// since an op as large as a 64 MiB PUT allocates less than a scrape.
func startProbe(ctx context.Context, p *Process) *probe {
	if p == nil {
		return nil
	}
	pr := &probe{p: p}
	var err0, err1 error
	pr.m0, pr.b0, err0 = p.Allocs(ctx)
	pr.m1, pr.b1, err1 = p.Allocs(ctx)
	pr.allocsOK = err0 == nil && err1 == nil
	if p.ResetPeakRSS() == nil {
		if cur, _, err := p.RSS(); err == nil {
			pr.resetOK, pr.rssBefore = true, cur
		}
	}
	return pr
}

func (pr *probe) finish(ctx context.Context, r *Result) {
	if pr == nil {
		return
	}
	if m2, b2, err := pr.p.Allocs(ctx); err == nil && pr.allocsOK && r.Ops > 0 {
		ops := float64(r.Ops)
		// One scrape's allocations, spread over the ops, is the noise
		// floor: an estimate below it says "at most this", not "zero".
		a, b := ((m2-pr.m1)-(pr.m1-pr.m0))/ops, ((b2-pr.b1)-(pr.b1-pr.b0))/ops
		af, bf := (pr.m1-pr.m0)/ops, (pr.b1-pr.b0)/ops
		r.AllocsPerOp, r.BytesPerOp = &a, &b
		r.AllocsFloor, r.BytesFloor = &af, &bf
	}
	if _, peak, err := pr.p.RSS(); err == nil {
		r.PeakRSS = peak
		if pr.resetOK {
			r.RSSBefore = pr.rssBefore
		}
	}
}
