package server

import (
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// metrics are per-server (not global) so tests can run several servers.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	inflight prometheus.Gauge
	ops      sync.Map // opKey -> *opSeries
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fsxd_requests_total", Help: "Requests by API, operation and HTTP status.",
		}, []string{"api", "operation", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "fsxd_request_duration_seconds", Help: "Request latency by API and operation.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 4, 10),
		}, []string{"api", "operation"}),
		inflight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "fsxd_requests_in_flight", Help: "Requests being served.",
		}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.inflight,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// opKey names one operation's series.
type opKey struct{ api, op string }

// opSeries caches one operation's label children: WithLabelValues hashes
// the labels and takes a lock on every call, and the status needs
// formatting first.
type opSeries struct {
	latency  prometheus.Observer
	byStatus sync.Map // int -> prometheus.Counter
}

// observe counts one request and records its latency.
func (m *metrics) observe(api, op string, status int, d time.Duration) {
	k := opKey{api, op}
	v, ok := m.ops.Load(k)
	if !ok {
		v, _ = m.ops.LoadOrStore(k, &opSeries{latency: m.latency.WithLabelValues(api, op)})
	}
	s := v.(*opSeries)
	c, ok := s.byStatus.Load(status)
	if !ok {
		c, _ = s.byStatus.LoadOrStore(status, m.requests.WithLabelValues(api, op, strconv.Itoa(status)))
	}
	c.(prometheus.Counter).Inc()
	s.latency.Observe(d.Seconds())
}
