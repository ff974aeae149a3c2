package console

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"
)

// TestSampleReadsMetrics: the chart's counters come from Config.Metrics
// when the server moved its metrics off the API (--metrics-listen), else
// from the API's own /_fsxd/metrics.
func TestSampleReadsMetrics(t *testing.T) {
	const body = "fsxd_requests_total{api=\"s3\",operation=\"GetObject\",status=\"200\"} 5\n" +
		"fsxd_requests_total{api=\"s3\",operation=\"PutObject\",status=\"200\"} 2\n" +
		"fsxd_errors_total{api=\"s3\",code=\"NoSuchKey\"} 1\n"
	serve := func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/_fsxd/metrics" {
			http.NotFound(w, r)
			return
		}
		io.WriteString(w, body)
	}
	for _, tc := range []struct {
		name         string
		api, metrics http.Handler
	}{
		{"on the API", http.HandlerFunc(serve), nil},
		{"own listener", http.NotFoundHandler(), http.HandlerFunc(serve)},
	} {
		c := &Console{cfg: Config{API: tc.api, Metrics: tc.metrics, Now: time.Now}, rates: newRates()}
		if s := c.read(context.Background()); s.Requests != 7 || s.Errors != 1 {
			t.Errorf("%s: requests %v errors %v, want 7 and 1", tc.name, s.Requests, s.Errors)
		}
	}
}
