package bench

import (
	"math"
	"slices"
	"time"
)

// The report's arithmetic, kept pure so bench_test can check it.

// Target names. The identity target is the same fsxd through an access
// point with a non-root POSIX identity.
const (
	Fsxd     = "fsxd"
	FsxdUser = "fsxd-uid1001"
	Stub     = "stub"
	Raw      = "raw"
)

// TargetConc is the concurrency the targets are stated at.
const TargetConc = 8

// MaxIdentityCost is the bound on what a non-root identity may
// cost on 4 KiB GET (and HEAD) relative to a root-identity access point.
const MaxIdentityCost = 0.10

// Result is one measurement of one case on one target in one round.
type Result struct {
	Case        string   `json:"case"`
	Conc        int      `json:"concurrency"`
	Target      string   `json:"target"`
	Round       int      `json:"round"`
	Ops         int      `json:"ops"`
	Bytes       int64    `json:"bytes"`
	Errors      int      `json:"errors"`
	FirstErr    string   `json:"first_error,omitempty"`
	Seconds     float64  `json:"seconds"`
	OpsPerSec   float64  `json:"ops_per_s"`
	MiBPerSec   float64  `json:"mib_per_s"`
	P50ms       float64  `json:"p50_ms"`
	P99ms       float64  `json:"p99_ms"`
	AllocsPerOp *float64 `json:"allocs_per_op,omitempty"` // fsxd only, from its metrics
	BytesPerOp  *float64 `json:"alloc_bytes_per_op,omitempty"`
	AllocsFloor *float64 `json:"allocs_floor_per_op,omitempty"` // noise floor of AllocsPerOp
	BytesFloor  *float64 `json:"alloc_bytes_floor_per_op,omitempty"`
	RSSBefore   int64    `json:"rss_before_bytes,omitempty"` // fsxd only, /proc; 0: peak not reset
	PeakRSS     int64    `json:"peak_rss_bytes,omitempty"`
	Skipped     string   `json:"skipped,omitempty"`      // why the target was not measured
	CPUSeconds  *float64 `json:"cpu_s,omitempty"`        // the server's CPU over the window (cpu.go)
	ClientCPU   *float64 `json:"client_cpu_s,omitempty"` // this process's (the SDK client's) CPU over the window
	Disk        *DiskIO  `json:"disk,omitempty"`         // the data disk's completed requests over the window (disk.go)
}

func newResult(c string, conc int, target string, round int, s Sample) Result {
	return Result{Case: c, Conc: conc, Target: target, Round: round,
		Ops: s.Ops, Bytes: s.Bytes, Errors: s.Errors, FirstErr: s.FirstErr,
		Seconds: s.Elapsed.Seconds(), OpsPerSec: s.OpsPerSec(), MiBPerSec: s.MiBPerSec(),
		P50ms: ms(s.P50), P99ms: ms(s.P99)}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// Stat is one target's figures for one case and concurrency: medians over
// rounds, errors summed, memory at its worst.
type Stat struct {
	OpsPerSec, MiBPerSec float64
	P50ms, P99ms         float64
	AllocsPerOp          float64 // NaN: unknown
	BytesPerOp           float64
	AllocsFloor          float64 // below this, AllocsPerOp is noise
	BytesFloor           float64
	PeakRSS, RSSDelta    int64
	CPUPerUnit           float64 // server CPU s per GiB or per 1,000 ops (CPUUnit); NaN: unknown
	CPUUnit              string
	ClientCPUPerUnit     float64    // the client's CPU in the same unit; NaN: unknown
	DiskPerOp            [3]float64 // disk writes, flushes, discards per op; NaN: unknown
	Errors, Rounds       int
	FirstErr, Skipped    string
}

// Row is one line of the report: a case at one concurrency.
type Row struct {
	Case         string  `json:"case"`
	Conc         int     `json:"concurrency"`
	Min          float64 `json:"target_ratio,omitempty"`
	Fsxd, Stub   *Stat   `json:"-"`
	Raw, User    *Stat   `json:"-"`
	Ratio        float64 `json:"-"` // median of per-round fsxd/stub; NaN: none
	Verdict      string  `json:"verdict"`
	IdentCost    float64 `json:"-"` // 1 - median of per-round user/root; NaN: none
	IdentVerdict string  `json:"identity_verdict,omitempty"`
	// SignedCPU is what checking the payload SHA-256 of a signed body
	// costs, CPU s/GiB (the stub does not check it); 0 for other cases.
	SignedCPU float64 `json:"-"`
}

// Median of xs, NaN values ignored; NaN when none is left.
func Median(xs []float64) float64 {
	v := make([]float64, 0, len(xs))
	for _, x := range xs {
		if !math.IsNaN(x) {
			v = append(v, x)
		}
	}
	if len(v) == 0 {
		return math.NaN()
	}
	slices.Sort(v)
	if n := len(v); n%2 == 1 {
		return v[n/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

// PairedRatio is the median over rounds of num[i]/den[i]: each round's
// targets ran back to back, so their ratio cancels the machine's drift
// better than a ratio of medians would.
func PairedRatio(num, den []float64) float64 {
	var r []float64
	for i := range min(len(num), len(den)) {
		if den[i] > 0 && !math.IsNaN(num[i]) {
			r = append(r, num[i]/den[i])
		}
	}
	return Median(r)
}

// Verdict judges a ratio against a target; targets hold at TargetConc
// only, and a measurement with errors proves nothing either way.
func Verdict(ratio, target float64, conc, errors int) string {
	switch {
	case errors > 0:
		return "ERR"
	case target == 0 || conc != TargetConc:
		return "-"
	case math.IsNaN(ratio):
		return "n/a"
	case ratio >= target:
		return "PASS"
	}
	return "MISS"
}

// IdentityVerdict judges what the non-root identity costs (1 - user/root).
func IdentityVerdict(cost float64, conc, errors int) string {
	return Verdict(1-cost, 1-MaxIdentityCost, conc, errors)
}

// stat folds one target's rounds into a Stat (nil when it has none).
func stat(rs []Result) *Stat {
	if len(rs) == 0 {
		return nil
	}
	s := &Stat{AllocsPerOp: math.NaN(), BytesPerOp: math.NaN(), AllocsFloor: math.NaN(), BytesFloor: math.NaN(), CPUPerUnit: math.NaN(), ClientCPUPerUnit: math.NaN()}
	var ops, mib, p50, p99, allocs, abytes, afloor, bfloor, cpu, client []float64
	var disk [3][]float64
	for _, r := range rs {
		if r.Skipped != "" {
			s.Skipped = r.Skipped
			continue
		}
		s.Rounds++
		s.Errors += r.Errors
		if s.FirstErr == "" {
			s.FirstErr = r.FirstErr
		}
		ops, mib = append(ops, r.OpsPerSec), append(mib, r.MiBPerSec)
		p50, p99 = append(p50, r.P50ms), append(p99, r.P99ms)
		if r.AllocsPerOp != nil {
			allocs, abytes = append(allocs, *r.AllocsPerOp), append(abytes, *r.BytesPerOp)
			afloor, bfloor = append(afloor, *r.AllocsFloor), append(bfloor, *r.BytesFloor)
		}
		if c, unit := CPUPerUnit(r); unit != "" {
			cpu, s.CPUUnit = append(cpu, c), unit
		}
		if c, unit := perUnit(r, r.ClientCPU); unit != "" {
			client = append(client, c)
		}
		for i, v := range diskPerOp(r) {
			disk[i] = append(disk[i], v)
		}
		s.PeakRSS = max(s.PeakRSS, r.PeakRSS)
		if r.RSSBefore > 0 { // the peak was reset at the start: the delta is the case's own
			s.RSSDelta = max(s.RSSDelta, r.PeakRSS-r.RSSBefore)
		}
	}
	if s.Rounds == 0 {
		return s
	}
	s.OpsPerSec, s.MiBPerSec = Median(ops), Median(mib)
	s.P50ms, s.P99ms = Median(p50), Median(p99)
	s.AllocsPerOp, s.BytesPerOp = Median(allocs), Median(abytes)
	s.AllocsFloor, s.BytesFloor = Median(afloor), Median(bfloor)
	s.CPUPerUnit, s.ClientCPUPerUnit = Median(cpu), Median(client)
	for i := range disk {
		s.DiskPerOp[i] = Median(disk[i])
	}
	return s
}

// Summarize makes the row of one case at one concurrency from all its
// results (every target, every round). target is the case's minimum
// fsxd/stub ratio (0: none).
func Summarize(name string, conc int, target float64, rs []Result) Row {
	by := map[string][]Result{}
	for _, r := range rs {
		if r.Case == name && r.Conc == conc {
			by[r.Target] = append(by[r.Target], r)
		}
	}
	row := Row{Case: name, Conc: conc, Min: target,
		Fsxd: stat(by[Fsxd]), Stub: stat(by[Stub]), Raw: stat(by[Raw]), User: stat(by[FsxdUser]),
		Ratio: PairedRatio(rates(by[Fsxd]), rates(by[Stub])), IdentCost: math.NaN()}
	row.Verdict = Verdict(row.Ratio, target, conc, errs(row.Fsxd)+errs(row.Stub))
	if row.User != nil {
		row.IdentCost = 1 - PairedRatio(rates(by[FsxdUser]), rates(by[Fsxd]))
		row.IdentVerdict = IdentityVerdict(row.IdentCost, conc, errs(row.Fsxd)+errs(row.User))
	}
	if row.Stub == nil && row.Verdict == "n/a" {
		row.Verdict = "-" // nothing to compare with (control plane)
	}
	return row
}

// rates lists ops/s by round (NaN for a skipped round), so rounds pair up.
func rates(rs []Result) []float64 {
	var out []float64
	for _, r := range rs {
		for len(out) < r.Round {
			out = append(out, math.NaN())
		}
		v := r.OpsPerSec
		if r.Skipped != "" || r.Ops == 0 {
			v = math.NaN()
		}
		out = append(out, v)
	}
	return out
}

func errs(s *Stat) int {
	if s == nil {
		return 0
	}
	return s.Errors
}
