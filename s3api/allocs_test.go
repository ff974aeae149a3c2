package s3api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fsxd/fsxd/internal/race"
)

// TestAllocsGet4K holds a 4 KiB GET through the Handler and the real volume
// (README, Performance: GET 4 KiB) to today's allocation count, request and
// recorder included. `make test` runs it without -race.
func TestAllocsGet4K(t *testing.T) {
	if race.Enabled {
		t.Skip("allocation counts differ under -race; make test runs TestAllocs* without it")
	}
	const budget = 41
	e := newEnv(t)
	put := httptest.NewRequest("PUT", "/"+testAlias+"/obj", strings.NewReader(strings.Repeat("x", 4096)))
	w := httptest.NewRecorder()
	e.h.Serve(w, put)
	if w.Code != http.StatusOK {
		t.Fatalf("PUT: %d %s", w.Code, w.Body)
	}
	n := testing.AllocsPerRun(100, func() {
		r := httptest.NewRequest("GET", "/"+testAlias+"/obj", nil)
		w := httptest.NewRecorder()
		e.h.Serve(w, r)
		if w.Code != http.StatusOK || w.Body.Len() != 4096 {
			t.Fatalf("GET: %d", w.Code)
		}
	})
	if n > budget {
		t.Errorf("a 4 KiB GET allocates %v times, budget %d", n, budget)
	}
	t.Logf("GET 4 KiB: %v allocations", n)
}
