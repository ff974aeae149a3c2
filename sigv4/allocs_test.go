package sigv4

import (
	"net/http"
	"testing"

	"github.com/fsxd/fsxd/internal/race"
)

// TestAllocsVerify holds the data plane's hot path (README, Performance) to
// today's allocation count: a change that adds one fails here, not in a
// benchmark nobody reads. `make test` runs it without -race.
func TestAllocsVerify(t *testing.T) {
	if race.Enabled {
		t.Skip("allocation counts differ under -race; make test runs TestAllocs* without it")
	}
	const budget = 2
	req, _ := http.NewRequest("GET", "http://127.0.0.1:9000/bucket/some/object/key.txt", nil)
	req.Header.Set("Range", "bytes=0-1023")
	sdkSign(t, req, nil, "s3", signTime)
	r := toServer(t, req)
	n := testing.AllocsPerRun(100, func() {
		if _, err := Verify(r, testKeys, signTime); err != nil {
			t.Fatal(err)
		}
	})
	if n > budget {
		t.Errorf("Verify allocates %v times per request, budget %d", n, budget)
	}
	t.Logf("Verify: %v allocations", n)
}
