package e2e

import (
	"context"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

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
}
