package server

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// With --metrics-listen the operator moves /_fsxd/metrics off the API port
// to an address of its choosing (a loopback or management network): the
// metrics name access points and count their requests, which callers who
// may reach the API need not see. The API port then answers 404 there.

// metricsMaxConns caps the metrics listener's connections, as
// --max-connections does the API port's: it is unauthenticated, and a
// scraper needs one or two. A flood of quiet connections only displaces
// other quiet ones (connLimit); a scrape in progress keeps its own.
const metricsMaxConns = 16

// metricsHandler serves the registry in Prometheus's text format.
func (s *Server) metricsHandler() http.Handler { return s.metrics.handler }

// listenMetrics starts the metrics listener, if one is configured; the
// returned func shuts it down.
func (s *Server) listenMetrics() (func(), error) {
	if s.cfg.MetricsListen == "" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", s.cfg.MetricsListen)
	if err != nil {
		return nil, err
	}
	s.metricsAddr = ln.Addr().String()
	mux := http.NewServeMux()
	mux.Handle("GET /_fsxd/metrics", s.metricsHandler())
	hs := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		ConnState:         newConnLimit(metricsMaxConns, nil).track,
	}
	go hs.Serve(ln)
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		hs.Shutdown(ctx)
	}, nil
}

// MetricsAddr is the metrics listener's address (with --metrics-listen and
// port 0, the port picked); "" when metrics are served on the API port.
func (s *Server) MetricsAddr() string { return s.metricsAddr }
