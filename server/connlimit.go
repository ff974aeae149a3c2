package server

import (
	"container/list"
	"net"
	"net/http"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sys/unix"
)

// connLimit caps the connections the server holds open. Without a cap,
// anyone who can reach the port could open connections, send nothing and
// hold a goroutine and its buffers each until the file descriptors ran out,
// and then the volumes' own files could not be opened either.
//
// At the cap, a new connection displaces the one that has waited longest
// without a request in progress (an idle keep-alive connection, or one
// whose first request has not wholly arrived: a slowloris is quiet too). A
// client that is working keeps its connection, and a client whose idle
// connection was closed retries on a new one, as SDKs do. When every
// connection has a request in progress, the new one is closed at once.
type connLimit struct {
	max int
	// shed closes a quiet connection to make room. A TLS close may write
	// an alert, so not on the accept loop: on its own goroutine (tests: at
	// once). A refused newcomer is closed at once instead: before its
	// serving goroutine starts, so that none of its request is answered
	// (no TLS handshake has happened, so there is nothing to write).
	shed func(net.Conn)

	mu    sync.Mutex
	conns map[net.Conn]*list.Element // every open connection; nil: busy
	quiet *list.List                 // connections without a request, oldest first

	open      prometheus.Gauge
	shedQuiet prometheus.Counter
	refused   prometheus.Counter
}

// newConnLimit caps at max; its gauges go to reg unless that is nil.
func newConnLimit(max int, reg prometheus.Registerer) *connLimit {
	shed := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "fsxd_connections_shed_total",
		Help: "Connections closed because --max-connections were open: the longest-quiet one to make room (reason=quiet), or the new one when none was quiet (reason=refused).",
	}, []string{"reason"})
	l := &connLimit{
		max: max, shed: func(c net.Conn) { go c.Close() }, conns: map[net.Conn]*list.Element{}, quiet: list.New(),
		open: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "fsxd_connections_open", Help: "Client connections open.",
		}),
		shedQuiet: shed.WithLabelValues("quiet"),
		refused:   shed.WithLabelValues("refused"),
	}
	if reg != nil { // nil: no gauges to show (the metrics listener's own cap)
		reg.MustRegister(l.open, shed)
	}
	return l
}

// track is the http.Server's ConnState hook.
func (l *connLimit) track(c net.Conn, st http.ConnState) {
	var shed net.Conn
	refused := false
	l.mu.Lock()
	switch st {
	case http.StateNew:
		l.conns[c] = l.quiet.PushBack(c)
		if len(l.conns) > l.max {
			shed = l.shedOne(c)
			refused = shed == c
		}
	case http.StateActive:
		if e := l.conns[c]; e != nil {
			l.quiet.Remove(e)
			l.conns[c] = nil
		}
	case http.StateIdle:
		if e, ok := l.conns[c]; ok && e == nil {
			l.conns[c] = l.quiet.PushBack(c)
		}
	case http.StateHijacked, http.StateClosed:
		l.forget(c)
	}
	l.open.Set(float64(len(l.conns)))
	l.mu.Unlock()
	switch {
	case refused:
		c.Close()
	case shed != nil:
		l.shed(shed)
	}
}

// shedOne picks the connection to close for newcomer c and forgets it.
func (l *connLimit) shedOne(c net.Conn) net.Conn {
	victim, counter := c, l.refused
	if front := l.quiet.Front(); front != nil && front.Value.(net.Conn) != c {
		victim, counter = front.Value.(net.Conn), l.shedQuiet
	}
	counter.Inc()
	l.forget(victim)
	return victim
}

func (l *connLimit) forget(c net.Conn) {
	if e := l.conns[c]; e != nil {
		l.quiet.Remove(e)
	}
	delete(l.conns, c)
}

// maxConnections is the cap in effect: the configured one, but never more
// than half the open-file limit, so that files, the store and the
// listener keep descriptors when every connection is taken.
func maxConnections(configured int) (n int, clamped bool) {
	var rl unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &rl); err != nil || rl.Cur == unix.RLIM_INFINITY {
		return configured, false
	}
	if half := int(min(rl.Cur/2, 1<<30)); half < configured {
		return max(half, 1), true
	}
	return configured, false
}
