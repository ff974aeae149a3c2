package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/chromedp/chromedp"

	"github.com/fsxd/fsxd/server"
	"github.com/fsxd/fsxd/volume"
)

// TestConsoleServerPage: the server page names the node, version, store
// and enforcement mode, and after some requests (one of them an error)
// its chart has points with a request rate above zero.
func TestConsoleServerPage(t *testing.T) {
	env := Start(t, func(c *server.Config) { c.NodeID, c.Version = "node-a", "v9.8.7-test" })
	for range 5 {
		if _, err := env.FSx.DescribeFileSystems(context.Background(), &fsx.DescribeFileSystemsInput{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := env.FSx.DescribeVolumes(context.Background(), &fsx.DescribeVolumesInput{VolumeIds: []string{"fsvol-00000000000000000"}}); err == nil {
		t.Fatal("DescribeVolumes of no volume succeeded")
	}
	b := newBrowser(t, env)
	b.signIn(env.Key, env.Secret)
	b.waitText("#who", ":root")
	b.run("server page", chromedp.Navigate(b.url+"server"))
	enforcement := "userspace"
	if volume.DetectEnforcement() == volume.Kernel {
		enforcement = "kernel"
	}
	for sel, want := range map[string]string{"#health": "ok", "#node": "node-a", "#version": "v9.8.7-test", "#store": "sqlite", "#enforcement": enforcement} {
		if got := strings.TrimSpace(b.text(sel)); !strings.HasPrefix(got, want) {
			t.Fatalf("%s = %q, want %q", sel, got, want)
		}
	}
	b.waitJS("for the chart", `Number(document.getElementById("chart").dataset.points) >= 1`)
	line := get(b, "line", chromedp.Evaluate[string](`document.querySelector("#chart .req").getAttribute("points")`))
	if strings.Count(line, ",") < 2 {
		t.Fatalf("request line %q", line)
	}
	// "…; now 1.23 requests/s, 0.12 errors/s; peak 2.00 requests/s, 0.50 errors/s."
	text := b.text("#chart-text")
	f := strings.Fields(text[strings.Index(text, "peak ")+5:])
	for _, n := range []string{f[0], f[2]} {
		if rate, err := strconv.ParseFloat(n, 64); err != nil || rate <= 0 {
			t.Fatalf("chart says %q: want request and error rates above zero", text)
		}
	}
	b.shot("server")
}
