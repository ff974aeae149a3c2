package e2e

// The operator's other views: metrics after traffic, a refusal by the
// file system named as such, and audit log rotation with the real binary.

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// scrape returns /_fsxd/metrics.
func scrape(t *testing.T, e *Env) string {
	t.Helper()
	resp, err := http.Get(e.URL + "/_fsxd/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// metricValue is the value of the series whose name and labels are
// exactly series (labels in Prometheus' sorted order), or -1.
func metricValue(body, series string) float64 {
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`)
	m := re.FindStringSubmatch(body)
	if m == nil {
		return -1
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	return v
}

// TestMetricsAfterTraffic: bytes by operation, requests by access point and
// by error code, and the waits are published with their labels.
func TestMetricsAfterTraffic(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	alias, _ := azAccessPoint(t, e, "metrics-ap", "")
	if err := azGet(azClientsFor(e, e.Key, e.Secret), alias, "public/a.txt"); err != nil {
		t.Fatal(err)
	}
	guest := azUser(t, e, "guest", "")
	azWant(t, "guest GET", azGet(guest, alias, "public/a.txt"), "AccessDenied")
	if _, err := e.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(alias), Key: aws.String("m"), Body: strings.NewReader("metrics")}); err != nil {
		t.Fatal(err)
	}
	body := scrape(t, e)
	positive := []string{
		`fsxd_request_bytes_total{api="s3",direction="in",operation="PutObject"}`,
		`fsxd_request_bytes_total{api="s3",direction="out",operation="GetObject"}`,
		`fsxd_request_bytes_total{api="fsx",direction="in",operation="CreateFileSystem"}`,
		`fsxd_access_point_requests_total{access_point="metrics-ap"}`,
		`fsxd_errors_total{api="s3",code="AccessDenied"}`,
		`fsxd_wait_seconds_total{wait="fsync"}`, `fsxd_waits_total{wait="fsync"}`,
		`fsxd_wait_seconds_total{wait="store"}`, `fsxd_waits_total{wait="store"}`,
	}
	if enforcement(t, e) == "kernel" { // uid 1001 differs from the server's: a switch per operation
		positive = append(positive, `fsxd_wait_seconds_total{wait="identity_switch"}`, `fsxd_waits_total{wait="identity_switch"}`)
	} else if metricValue(body, `fsxd_waits_total{wait="identity_switch"}`) < 0 {
		t.Errorf("no identity_switch series")
	}
	for _, s := range positive {
		if v := metricValue(body, s); v <= 0 {
			t.Errorf("%s = %v, want > 0", s, v)
		}
	}
	if v := metricValue(body, `fsxd_access_point_requests_total{access_point="metrics-ap"}`); v < 4 {
		t.Errorf("requests through metrics-ap = %v, want >= 4 (2 seeds, 2 GETs, 1 PUT)", v)
	}
}

func enforcement(t *testing.T, e *Env) string {
	resp, err := http.Get(e.URL + "/_fsxd/health")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if strings.Contains(string(b), `"enforcement":"kernel"`) {
		return "kernel"
	}
	return "userspace"
}

// TestAuditFileSystemRefusal: the access point's identity lacks read on a
// file; the refusal is audited and logged as the file system's.
func TestAuditFileSystemRefusal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	var logs lockedBuffer
	e := Start(t, withAudit(path, &logs, false))
	v := hardAccessPoint(t, e, "fs-ap", 1001)
	if err := os.WriteFile(filepath.Join(v.dir, "private"), []byte("root only"), 0o600); err != nil {
		t.Fatal(err)
	}
	azWant(t, "GET private", azGet(azClientsFor(e, e.Key, e.Secret), v.alias, "private"), "AccessDenied")
	ev := awaitAudit(t, path, "refused GetObject", named("GetObject", "AccessDenied"))
	if ev.AdditionalEventData["denyLayer"] != "file-system-identity" || ev.AdditionalEventData["deniedAction"] != "s3:GetObject" ||
		ev.RequestParameters["key"] != "private" {
		t.Errorf("event: parameters %v data %v", ev.RequestParameters, ev.AdditionalEventData)
	}
	Eventually(t, apWait, "access log line", func() bool {
		return accessLine(logs.String(), "op=GetObject", "status=403", "deny_layer=file-system-identity", "key=private") != ""
	})
}

// TestAuditLogRotation: with the real binary, rename the audit log, send
// SIGHUP, and the next event goes to a new file at the same path.
func TestAuditLogRotation(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "audit.jsonl")
	p := StartProcess(t, ProcessOptions{Name: "audit", DataDir: filepath.Join(dir, "data"), Args: []string{"--audit-log", path}})
	ctx := context.Background()
	createUser := func(name string) {
		t.Helper()
		if _, err := p.IAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
			t.Fatalf("CreateUser %s: %v", name, err)
		}
	}
	createUser("before")
	awaitAudit(t, path, "CreateUser before", func(r auditRecord) bool { return r.RequestParameters["userName"] == "before" })
	rotated := path + ".1"
	if err := os.Rename(path, rotated); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	Eventually(t, apWait, "a new audit log after SIGHUP", func() bool {
		_, err := os.Stat(path)
		return err == nil
	})
	createUser("after")
	awaitAudit(t, path, "CreateUser after in the new file", func(r auditRecord) bool { return r.RequestParameters["userName"] == "after" })
	old := readAudit(t, rotated)
	if len(old) != 1 || old[0].RequestParameters["userName"] != "before" {
		t.Errorf("rotated file holds %d events (%v), want only CreateUser before", len(old), old)
	}
	if p.Exited() {
		t.Fatal("fsxd exited on SIGHUP")
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("new audit log mode %v, want 0600", fi.Mode().Perm())
	}
}
