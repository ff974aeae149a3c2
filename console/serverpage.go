package console

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// rates keeps the last samples of the server's request and error counters
// (its own metrics), for the server page's chart.
type rates struct {
	mu      sync.Mutex
	samples []sample
}

type sample struct {
	At               time.Time
	Requests, Errors float64
}

const keepSamples = 60 // ten minutes at the server's 10 s interval

func newRates() *rates { return &rates{} }

// Sample reads the counters once; the server calls it every few seconds.
func (c *Console) Sample(ctx context.Context) error {
	s := c.read(ctx)
	c.rates.mu.Lock()
	defer c.rates.mu.Unlock()
	c.rates.samples = append(c.rates.samples, s)
	if len(c.rates.samples) > keepSamples {
		c.rates.samples = c.rates.samples[1:]
	}
	return nil
}

// read takes the counters' values now.
func (c *Console) read(ctx context.Context) sample {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "/_fsxd/metrics", nil)
	rec := &recorder{header: http.Header{}}
	if c.cfg.Metrics != nil {
		c.cfg.Metrics.ServeHTTP(rec, req)
	} else {
		c.cfg.API.ServeHTTP(rec, req)
	}
	s := sample{At: c.cfg.Now()}
	sc := bufio.NewScanner(&rec.body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "fsxd_requests_total{"):
			s.Requests += lastFloat(line)
		case strings.HasPrefix(line, "fsxd_errors_total{"):
			s.Errors += lastFloat(line)
		}
	}
	return s
}

func lastFloat(line string) float64 {
	f, _ := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
	return f
}

// point is one interval's rates, per second.
type point struct {
	At             string
	Requests, Errs float64
}

// points are the rates between samples, the last one up to now, so the
// chart has a point as soon as one sample was taken.
func (r *rates) points(now sample) []point {
	r.mu.Lock()
	all := append(r.samples[:len(r.samples):len(r.samples)], now)
	r.mu.Unlock()
	var out []point
	for i := 1; i < len(all); i++ {
		a, b := all[i-1], all[i]
		d := b.At.Sub(a.At).Seconds()
		if d <= 0 {
			continue
		}
		out = append(out, point{At: b.At.UTC().Format("15:04:05"), Requests: (b.Requests - a.Requests) / d, Errs: (b.Errors - a.Errors) / d})
	}
	return out
}

type serverInfo struct {
	Health                                map[string]any
	Version, Node, Store, Region, Account string
}

func (c *Console) serverPage(w http.ResponseWriter, r *http.Request, ss *session) {
	v := c.newView(r, ss, "Server", "server")
	req, _ := http.NewRequestWithContext(r.Context(), http.MethodGet, "/_fsxd/health", nil)
	rec := &recorder{header: http.Header{}}
	c.cfg.API.ServeHTTP(rec, req)
	info := serverInfo{Version: c.cfg.Version, Node: c.cfg.NodeID, Store: c.cfg.StoreKind, Region: c.cfg.Region, Account: c.cfg.AccountID}
	json.Unmarshal(rec.body.Bytes(), &info.Health)
	v.Data = info
	c.render(w, "server", v)
}

func (c *Console) serverRates(w http.ResponseWriter, r *http.Request, ss *session) {
	w.Header().Set("Content-Type", "application/json")
	pts := c.rates.points(c.read(r.Context()))
	if pts == nil {
		pts = []point{}
	}
	json.NewEncoder(w).Encode(pts)
}
