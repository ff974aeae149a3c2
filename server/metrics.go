package server

import (
	"net/http"
	"strconv"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are per-server (not global) so tests can run several servers.
type metrics struct {
	reg      *prometheus.Registry
	handler  http.Handler // serves reg (metricsHandler)
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	bytes    *prometheus.CounterVec
	errors   *prometheus.CounterVec
	inflight prometheus.Gauge
	ops      sync.Map // opKey -> *opSeries
	codes    sync.Map // opKey{api, code} -> prometheus.Counter
	aps      apSeries
	store    waitCounter // time in store transactions (storeguard.go)
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
		bytes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fsxd_request_bytes_total", Help: "Bytes received (request bodies, direction=in) and sent (response bodies, direction=out) by API and operation.",
		}, []string{"api", "operation", "direction"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fsxd_errors_total", Help: "Requests answered with an AWS error, by API and error code.",
		}, []string{"api", "code"}),
		inflight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "fsxd_requests_in_flight", Help: "Requests being served.",
		}),
	}
	m.aps.vec = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "fsxd_access_point_requests_total",
		Help: "Data-plane requests by access point name; beyond " + strconv.Itoa(maxAPLabels) + " names the rest count as \"" + otherAP + "\".",
	}, []string{"access_point"})
	m.reg.MustRegister(m.requests, m.latency, m.bytes, m.errors, m.inflight, m.aps.vec,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.registerWaits()
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	return m
}

// opKey names one operation's series.
type opKey struct{ api, op string }

// opSeries caches one operation's label children: WithLabelValues hashes
// the labels and takes a lock on every call, and the status needs
// formatting first.
type opSeries struct {
	latency  prometheus.Observer
	in, out  prometheus.Counter
	byStatus sync.Map // int -> prometheus.Counter
}

// observe counts one request: status, latency, bytes, error code and
// access point.
func (m *metrics) observe(x *outcome) {
	api, op := x.a.name, x.op
	k := opKey{api, op}
	v, ok := m.ops.Load(k)
	if !ok {
		v, _ = m.ops.LoadOrStore(k, &opSeries{latency: m.latency.WithLabelValues(api, op),
			in: m.bytes.WithLabelValues(api, op, "in"), out: m.bytes.WithLabelValues(api, op, "out")})
	}
	s := v.(*opSeries)
	c, ok := s.byStatus.Load(x.status)
	if !ok {
		c, _ = s.byStatus.LoadOrStore(x.status, m.requests.WithLabelValues(api, op, strconv.Itoa(x.status)))
	}
	c.(prometheus.Counter).Inc()
	s.latency.Observe(x.d.Seconds())
	s.in.Add(float64(x.w.info.body.n))
	s.out.Add(float64(x.w.bytes))
	if x.code != "" {
		m.countError(api, x.code)
	}
	if ap := x.w.info.accessPoint; ap != "" && api == "s3" {
		m.aps.counter(ap).Inc()
	}
}

// countError counts an error code; codes come from awserr's table, so
// the label set is bounded.
func (m *metrics) countError(api, code string) {
	k := opKey{api, code}
	c, ok := m.codes.Load(k)
	if !ok {
		c, _ = m.codes.LoadOrStore(k, m.errors.WithLabelValues(api, code))
	}
	c.(prometheus.Counter).Inc()
}

// Access point names are bounded by the quota on access points per
// account, but not over time: deleting and re-creating access points under
// new names would grow the label set forever. The first maxAPLabels names
// seen get their own series, the rest share otherAP. (Access point names
// may not contain "_", so "_other" never collides with one.)
const (
	maxAPLabels = 256
	otherAP     = "_other"
)

type apSeries struct {
	vec *prometheus.CounterVec
	mu  sync.Mutex
	m   sync.Map // name -> prometheus.Counter
	n   int      // names with their own series; guarded by mu
}

func (a *apSeries) counter(name string) prometheus.Counter {
	if c, ok := a.m.Load(name); ok {
		return c.(prometheus.Counter)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if c, ok := a.m.Load(name); ok {
		return c.(prometheus.Counter)
	}
	if a.n >= maxAPLabels {
		return a.vec.WithLabelValues(otherAP)
	}
	a.n++
	c := a.vec.WithLabelValues(name)
	a.m.Store(name, c)
	return c
}
