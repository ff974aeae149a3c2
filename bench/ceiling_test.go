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
		want      float64
	}{
		// 0.4 + 0.1 + 0.5 ms per op on 2 cores: 2,000 op/s, below raw's 3,000.
		{"cpu bound", small(3000, 0.4, math.NaN()), small(9000, 0.1, 0.5), 2000},
		// 0.1 + 0.1 + 0.2 ms: 5,000 op/s, but the raw loop ran at 1,000.
		{"disk bound", small(1000, 0.1, math.NaN()), small(9000, 0.1, 0.2), 1000},
		// 64 MiB ops, (1 + 1 + 2) s/GiB = 0.25 s per op: 8 op/s on 2 cores.
		{"per GiB", large(100, 1, math.NaN()), large(20, 1, 2), 8},
		{"no raw CPU", small(3000, math.NaN(), math.NaN()), small(9000, 0.1, 0.5), math.NaN()},
		{"no stub", small(3000, 0.4, math.NaN()), nil, math.NaN()},
		{"raw never ran", &Stat{}, small(9000, 0.1, 0.5), math.NaN()},
	} {
		got := Ceiling(Row{Raw: tc.raw, Stub: tc.stub}, 2)
		if math.IsNaN(tc.want) != math.IsNaN(got) || (!math.IsNaN(got) && math.Abs(got-tc.want) > 1e-6*tc.want) {
			t.Errorf("%s: Ceiling = %v, want %v", tc.name, got, tc.want)
		}
	}
}
