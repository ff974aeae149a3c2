package bench

import (
	"encoding/json"
	"io"
	"math"
	"runtime"
)

// JSON lines for machines: one "result" line per measurement, as it
// happens, and one "row" line per case and concurrency.

type jsonOut struct {
	enc *json.Encoder
	err error // the first write error, reported at the end
}

func newJSONOut(w io.Writer) *jsonOut {
	if w == nil {
		return &jsonOut{}
	}
	return &jsonOut{enc: json.NewEncoder(w)}
}

func (j *jsonOut) write(v any) {
	if j.enc == nil || j.err != nil {
		return
	}
	j.err = j.enc.Encode(v)
}

type jsonMeta struct {
	Type        string  `json:"type"`
	Go          string  `json:"go"`
	CPUs        int     `json:"cpus"`
	FS          string  `json:"fs"`
	Client      string  `json:"client"`
	DurationS   float64 `json:"duration_s"`
	Concurrency []int   `json:"concurrency"`
	Rounds      int     `json:"rounds"`
	Short       bool    `json:"short"`
	FsxdError   string  `json:"fsxd_error,omitempty"`
}

type jsonResult struct {
	Type string `json:"type"`
	Result
}

type jsonStat struct {
	OpsPerSec   float64  `json:"ops_per_s"`
	MiBPerSec   float64  `json:"mib_per_s"`
	P50ms       float64  `json:"p50_ms"`
	P99ms       float64  `json:"p99_ms"`
	Errors      int      `json:"errors"`
	Rounds      int      `json:"rounds"`
	AllocsPerOp *float64 `json:"allocs_per_op,omitempty"`
	BytesPerOp  *float64 `json:"alloc_bytes_per_op,omitempty"`
	AllocsFloor *float64 `json:"allocs_floor_per_op,omitempty"`
	BytesFloor  *float64 `json:"alloc_bytes_floor_per_op,omitempty"`
	PeakRSS     int64    `json:"peak_rss_bytes,omitempty"`
	RSSDelta    int64    `json:"peak_rss_delta_bytes,omitempty"`
	Skipped     string   `json:"skipped,omitempty"`
}

type jsonRow struct {
	Type            string              `json:"type"`
	Case            string              `json:"case"`
	Conc            int                 `json:"concurrency"`
	Targets         map[string]jsonStat `json:"targets"`
	Ratio           *float64            `json:"ratio"`
	MinRatio        *float64            `json:"target_ratio,omitempty"`
	Verdict         string              `json:"verdict"`
	IdentityCost    *float64            `json:"identity_cost,omitempty"`
	IdentityVerdict string              `json:"identity_verdict,omitempty"`
	CeilingOps      *float64            `json:"ceiling_ops_per_s,omitempty"` // Ceiling (ceiling.go)
	CeilingRatio    *float64            `json:"ceiling_ratio,omitempty"`     // CeilingRatio
}

func rowJSON(r Row) jsonRow {
	ceil := Ceiling(r, runtime.NumCPU())
	j := jsonRow{Type: "row", Case: r.Case, Conc: r.Conc, Targets: map[string]jsonStat{},
		Ratio: num(r.Ratio), Verdict: r.Verdict, IdentityCost: num(r.IdentCost), IdentityVerdict: r.IdentVerdict,
		CeilingOps: num(ceil), CeilingRatio: num(CeilingRatio(r, ceil))}
	if r.Min > 0 {
		j.MinRatio = &r.Min
	}
	for name, st := range map[string]*Stat{Fsxd: r.Fsxd, Stub: r.Stub, Raw: r.Raw, FsxdUser: r.User} {
		if st != nil {
			j.Targets[name] = jsonStat{OpsPerSec: st.OpsPerSec, MiBPerSec: st.MiBPerSec, P50ms: st.P50ms, P99ms: st.P99ms,
				Errors: st.Errors, Rounds: st.Rounds, AllocsPerOp: num(st.AllocsPerOp), BytesPerOp: num(st.BytesPerOp),
				AllocsFloor: num(st.AllocsFloor), BytesFloor: num(st.BytesFloor),
				PeakRSS: st.PeakRSS, RSSDelta: st.RSSDelta, Skipped: st.Skipped}
		}
	}
	return j
}

// num is nil for NaN, which JSON cannot carry.
func num(v float64) *float64 {
	if math.IsNaN(v) {
		return nil
	}
	return &v
}
