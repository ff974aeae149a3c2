package bench

import (
	"math"
	"testing"
)

func TestCeiling(t *testing.T) {
	small := func(ops, cpu, client float64) *Stat {
		return &Stat{Rounds: 1, OpsPerSec: ops, MiBPerSec: ops * 4 / 1024, CPUPerUnit: cpu, ClientCPUPerUnit: client, CPUUnit: "s/1k ops"}
	}
	large := func(ops, cpu, client float64) *Stat {
		return &Stat{Rounds: 1, OpsPerSec: ops, MiBPerSec: ops * 64, CPUPerUnit: cpu, ClientCPUPerUnit: client, CPUUnit: "s/GiB"}
	}
	for _, tc := range []struct {
		name      string
		raw, stub *Stat
		signed    float64 // Row.SignedCPU
		want      float64
	}{
		// 0.4 + 0.1 + 0.5 ms per op on 2 cores: 2,000 op/s, below raw's 3,000.
		{"cpu bound", small(3000, 0.4, math.NaN()), small(9000, 0.1, 0.5), 0, 2000},
		// 0.1 + 0.1 + 0.2 ms: 5,000 op/s, but the raw loop ran at 1,000.
		{"disk bound", small(1000, 0.1, math.NaN()), small(9000, 0.1, 0.2), 0, 1000},
		// 64 MiB ops, (1 + 1 + 2) s/GiB = 0.25 s per op: 8 op/s on 2 cores.
		{"per GiB", large(100, 1, math.NaN()), large(20, 1, 2), 0, 8},
		// The same, signed: (1 + 1 + 2 + 4) s/GiB = 0.5 s per op: 4 op/s.
		{"signed per GiB", large(100, 1, math.NaN()), large(20, 1, 2), 4, 4},
		// 4 KiB ops: 4 s/GiB is 4·4 KiB/GiB = 16/2^20 s per op, on top of 0.4 + 0.1 + 0.5 ms.
		{"signed small", small(3000, 0.4, math.NaN()), small(9000, 0.1, 0.5), 4, 2 / (1e-3 + 16.0/(1<<20))},
		{"no raw CPU", small(3000, math.NaN(), math.NaN()), small(9000, 0.1, 0.5), 0, math.NaN()},
		{"no stub", small(3000, 0.4, math.NaN()), nil, 0, math.NaN()},
		{"raw never ran", &Stat{}, small(9000, 0.1, 0.5), 0, math.NaN()},
	} {
		r := Row{Raw: tc.raw, Stub: tc.stub, SignedCPU: tc.signed}
		got := Ceiling(r, 2)
		if !near(got, tc.want) {
			t.Errorf("%s: Ceiling = %v, want %v", tc.name, got, tc.want)
		}
		if tc.stub != nil && !near(CeilingRatio(r, got), tc.want/tc.stub.OpsPerSec) {
			t.Errorf("%s: CeilingRatio = %v, want %v", tc.name, CeilingRatio(r, got), tc.want/tc.stub.OpsPerSec)
		}
	}
	if got := CeilingRatio(Row{Stub: &Stat{}}, 100); !math.IsNaN(got) {
		t.Errorf("CeilingRatio without stub rounds = %v, want NaN", got)
	}
}

// near reports a ≈ b, NaN only with NaN.
func near(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) == math.IsNaN(b)
	}
	return math.Abs(a-b) <= 1e-6*math.Abs(b)
}
