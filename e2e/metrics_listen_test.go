package e2e

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/fsx"
)

// TestMetricsListen: with --metrics-listen the metrics are served on that
// address only; the API port answers 404 for them and still serves health.
func TestMetricsListen(t *testing.T) {
	p := StartProcess(t, ProcessOptions{Name: "metrics", DataDir: t.TempDir(),
		Args: []string{"--metrics-listen", "127.0.0.1:0"}})
	if _, err := p.FSx.DescribeFileSystems(context.Background(), &fsx.DescribeFileSystemsInput{}); err != nil {
		t.Fatal(err)
	}
	log, err := os.ReadFile(p.log)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`metrics_addr=(\S+)`).FindSubmatch(log)
	if m == nil || string(m[1]) == `""` {
		t.Fatalf("no metrics address in the serving line:\n%s", log)
	}
	get := func(url string) (int, string) {
		t.Helper()
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, body := get("http://" + string(m[1]) + "/_fsxd/metrics")
	if code != 200 || !strings.Contains(body, `fsxd_requests_total{api="fsx",operation="DescribeFileSystems",status="200"} 1`) {
		t.Errorf("metrics listener: %d\n%.400s", code, body)
	}
	if code, _ := get(p.URL + "/_fsxd/metrics"); code != 404 {
		t.Errorf("metrics on the API port: %d, want 404", code)
	}
	if code, _ := get(p.URL + "/_fsxd/health"); code != 200 {
		t.Errorf("health on the API port: %d", code)
	}
	if code, _ := get("http://" + string(m[1]) + "/_fsxd/health"); code != 404 {
		t.Errorf("health on the metrics listener: %d, want 404 (metrics only)", code)
	}
	metricsConnCap(t, string(m[1]), get)
}

// metricsConnCap: connections to the metrics listener that send nothing
// are capped (16; the oldest quiet one makes room), and a scrape still
// gets through the flood.
func metricsConnCap(t *testing.T, addr string, get func(string) (int, string)) {
	const flood = 60
	conns := make([]net.Conn, 0, flood)
	for range flood {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	if code, _ := get("http://" + addr + "/_fsxd/metrics"); code != 200 {
		t.Errorf("a scrape during the flood: %d", code)
	}
	// Still open a second later (the read header timeout is 10 s): the
	// server has not closed it.
	time.Sleep(time.Second)
	open := 0
	for _, c := range conns {
		c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		if _, err := c.Read(make([]byte, 1)); errors.Is(err, os.ErrDeadlineExceeded) {
			open++
		}
	}
	t.Logf("%d of %d quiet connections open", open, flood)
	if open > 16 {
		t.Errorf("%d of %d quiet connections to the metrics listener still open, want at most 16", open, flood)
	}
}
