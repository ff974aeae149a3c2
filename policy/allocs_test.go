package policy

import (
	"testing"

	"github.com/fsxd/fsxd/internal/race"
)

// TestAllocsEvaluate holds policy evaluation (README, Performance) to
// today's allocation count on the benchmark's policy and request. `make
// test` runs it without -race.
func TestAllocsEvaluate(t *testing.T) {
	if race.Enabled {
		t.Skip("allocation counts differ under -race; make test runs TestAllocs* without it")
	}
	const budget = 0
	d := mustParse(t, benchPolicy, ResourcePolicy)
	req := benchRequest()
	n := testing.AllocsPerRun(100, func() {
		if Evaluate(req, nil, d) != Allow {
			t.Fatal("Evaluate: want Allow")
		}
	})
	if n > budget {
		t.Errorf("Evaluate allocates %v times per request, budget %d", n, budget)
	}
	t.Logf("Evaluate: %v allocations", n)
}
