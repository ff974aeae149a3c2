package server

// Where requests wait: the identity switch and fsync (counted by package
// volume, process-wide) and the metadata store (counted here, per server,
// by the store guard). Each is a pair of counters, the Prometheus way to
// publish time spent: rate(seconds) / rate(count) is the mean wait.

import (
	"sync/atomic"
	"time"

	"github.com/fsxd/fsxd/volume"
	"github.com/prometheus/client_golang/prometheus"
)

type waitCounter struct{ n, ns atomic.Int64 }

func (w *waitCounter) stat() volume.WaitStat {
	return volume.WaitStat{Count: w.n.Load(), Total: time.Duration(w.ns.Load())}
}

// observeSince adds the time since start to w.
func (w *waitCounter) observeSince(start time.Time) {
	w.ns.Add(int64(time.Since(start)))
	w.n.Add(1)
}

// registerWaits publishes fsxd_wait_seconds_total and fsxd_waits_total
// for wait="identity_switch", "fsync" and "store".
func (m *metrics) registerWaits() {
	for _, w := range []struct {
		name string
		stat func() volume.WaitStat
	}{
		{"identity_switch", volume.IdentitySwitchWaits},
		{"fsync", volume.FsyncWaits},
		{"store", m.store.stat},
	} {
		labels := prometheus.Labels{"wait": w.name}
		stat := w.stat
		m.reg.MustRegister(
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "fsxd_wait_seconds_total", ConstLabels: labels,
				Help: "Time spent waiting for the identity switch, fsync and the metadata store."},
				func() float64 { return stat().Total.Seconds() }),
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "fsxd_waits_total", ConstLabels: labels,
				Help: "Identity switches, fsyncs and metadata store transactions."},
				func() float64 { return float64(stat().Count) }))
	}
}
