package e2e

// Before authentication: FSx, IAM and STS bodies must be read to check
// their signature, so a client that knows an access key id (not its
// secret) can send headers, declare a body and stall. Such clients may not
// hold request slots, nor memory in proportion to what they declare, and
// an oversized body is refused from its Content-Length.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/fsxd/fsxd/server"
)

// unsignedHead is the request line and headers of a request signed with
// a known access key id and a zero signature, declaring length bytes.
func unsignedHead(addr, key, service, path string, length int) string {
	now := time.Now().UTC()
	var b strings.Builder
	method := "POST"
	if service == "s3" {
		method = "PUT"
	}
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\nX-Amz-Date: %s\r\n", method, path, addr, now.Format("20060102T150405Z"))
	switch service {
	case "fsx":
		b.WriteString("X-Amz-Target: AWSSimbaAPIService_v20180301.DescribeFileSystems\r\nContent-Type: application/x-amz-json-1.1\r\n")
	case "iam":
		b.WriteString("Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n")
	case "s3":
		b.WriteString("X-Amz-Content-Sha256: UNSIGNED-PAYLOAD\r\n")
	case "console": // the sign-in form: its signature is ignored
		b.WriteString("Content-Type: application/x-www-form-urlencoded\r\n")
	}
	fmt.Fprintf(&b, "Authorization: AWS4-HMAC-SHA256 Credential=%s/%s/%s/%s/aws4_request, SignedHeaders=host;x-amz-date, Signature=%s\r\n",
		key, now.Format("20060102"), Region, service, strings.Repeat("0", 64))
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n", length)
	return b.String()
}

// floodConn is one hostile connection: headers, then sent bytes of the
// body, then a byte every trickle (0: nothing more) until stop closes.
type floodConn struct {
	service, path string
	length, sent  int
	trickle       time.Duration
}

func (f floodConn) run(t *testing.T, addr, key string, stop <-chan struct{}, landed *sync.WaitGroup) {
	defer landed.Done()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Errorf("flood dial: %v", err)
		return
	}
	go func() { <-stop; conn.Close() }()
	if _, err := io.WriteString(conn, unsignedHead(addr, key, f.service, f.path, f.length)); err != nil {
		return // cut already: fine
	}
	conn.Write(bytes.Repeat([]byte("a"), f.sent))
	if f.trickle == 0 {
		return
	}
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(f.trickle):
				if _, err := conn.Write([]byte("a")); err != nil {
					return
				}
			}
		}
	}()
}

// procStatus reads a field of /proc/pid/status in bytes.
func procStatus(t *testing.T, pid int, field string) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				t.Fatalf("%s: %q", field, line)
			}
			return kb << 10
		}
	}
	t.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}

// TestHardeningPreAuthFlood: 1,000 connections that declare bodies with a
// known key and a zero signature, then stall or trickle, against
// --max-concurrent 8. A normal client's FSx, S3, IAM and STS calls all
// succeed meanwhile, and the server's heap in use (and, without the race
// detector, its peak RSS) stays within 100 MiB of where it started.
func TestHardeningPreAuthFlood(t *testing.T) {
	p := StartProcess(t, ProcessOptions{DataDir: t.TempDir(), Args: []string{"--lifecycle-delay", "100ms", "--max-concurrent", "8"}})
	hv := hardAccessPoint(t, p.Env, "flood-ap", 0)
	pid := p.cmd.Process.Pid
	base, baseHeap := procStatus(t, pid, "VmRSS"), heapInuse(t, p.URL)
	// Reset the peak (VmHWM) to now, so it measures the flood alone.
	if err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0); err != nil {
		t.Fatalf("clear_refs: %v", err)
	}

	var conns []floodConn
	add := func(n int, f floodConn) {
		for range n {
			conns = append(conns, f)
		}
	}
	add(450, floodConn{service: "fsx", path: "/", length: 1 << 20})                                   // stall at once
	add(150, floodConn{service: "fsx", path: "/", length: 1 << 20, sent: 1<<20 - 1})                  // all but a byte
	add(200, floodConn{service: "iam", path: "/", length: 64 << 10, trickle: 200 * time.Millisecond}) // trickle
	add(200, floodConn{service: "s3", path: "/" + hv.alias + "/flood", length: 128 << 10})            // refused, body unread
	add(100, floodConn{service: "console", path: "/_fsxd/console/signin", length: 10 << 20, sent: 1 << 20})
	stop := make(chan struct{})
	defer close(stop)
	var landed sync.WaitGroup
	landed.Add(len(conns))
	for _, f := range conns {
		go f.run(t, p.Addr, p.Key, stop, &landed)
	}
	landed.Wait()
	time.Sleep(time.Second) // let the server take in what was sent (no assertion on time)
	// The S3 PUTs take a slot for as long as it takes to refuse their
	// signature; the stalled FSx and IAM bodies must take none. Once the
	// S3 ones are refused, no slot is held while the flood stays open.
	Eventually(t, time.Minute, "no request of the flood to hold a slot", func() bool {
		return scrapeMetric(t, p.URL, "fsxd_requests_in_flight") == 0
	})
	heap := heapInuse(t, p.URL)

	ctx := context.Background()
	for i := range 10 {
		if _, err := p.FSx.DescribeFileSystems(ctx, &fsx.DescribeFileSystemsInput{}); err != nil {
			t.Errorf("round %d: DescribeFileSystems: %v", i, err)
		}
		key := fmt.Sprintf("normal/%d", i)
		if _, err := p.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(hv.alias), Key: aws.String(key), Body: strings.NewReader("payload")}); err != nil {
			t.Errorf("round %d: PutObject: %v", i, err)
		} else if out, err := p.S3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(hv.alias), Key: aws.String(key)}); err != nil {
			t.Errorf("round %d: GetObject: %v", i, err)
		} else {
			b, _ := io.ReadAll(out.Body)
			out.Body.Close()
			if string(b) != "payload" {
				t.Errorf("round %d: GetObject: %q", i, b)
			}
		}
		if _, err := p.IAM.ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
			t.Errorf("round %d: ListUsers: %v", i, err)
		}
		if _, err := p.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
			t.Errorf("round %d: GetCallerIdentity: %v", i, err)
		}
	}
	heap = max(heap, heapInuse(t, p.URL))
	peak := procStatus(t, pid, "VmHWM")
	t.Logf("RSS %d MiB before the flood, peak %d MiB during it; heap in use %d MiB before, %d MiB during",
		base>>20, peak>>20, baseHeap>>20, heap>>20)
	if heap-baseHeap > 100<<20 {
		t.Errorf("heap in use grew by %d MiB under the flood (bound 100 MiB)", (heap-baseHeap)>>20)
	}
	// Under -race the binary is built with the race detector too, whose
	// per-goroutine state (~190 KiB a connection here) is in RSS but not
	// in the Go heap: the RSS bound is for the binary operators run.
	if !raceEnabled() && peak-base > 100<<20 {
		t.Errorf("peak RSS grew by %d MiB under the flood (bound 100 MiB)", (peak-base)>>20)
	}
}

// heapInuse is the server's go_memstats_heap_inuse_bytes.
func heapInuse(t *testing.T, url string) int64 {
	t.Helper()
	return int64(scrapeMetric(t, url, "go_memstats_heap_inuse_bytes"))
}

// metricValue reads an unlabelled metric from /_fsxd/metrics.
func scrapeMetric(t *testing.T, url, name string) float64 {
	t.Helper()
	resp, err := http.Get(url + "/_fsxd/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	v := metricValue(string(body), name)
	if v < 0 {
		t.Fatalf("no %s in /_fsxd/metrics", name)
	}
	return v
}

// TestHardeningPreAuthOversized: an FSx or IAM request that declares more
// than 1 MiB is refused with the API's own error before its body is read
// (the test sends none of it).
func TestHardeningPreAuthOversized(t *testing.T) {
	e := Start(t)
	for _, c := range []struct{ service, code, msg string }{
		{"fsx", `"__type":"SerializationException"`, "Request body too large"},
		{"iam", "<Code>ValidationError</Code>", "The request body exceeds 1048576 bytes."},
	} {
		conn, err := net.Dial("tcp", e.Addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := io.WriteString(conn, unsignedHead(e.Addr, e.Key, c.service, "/", 10<<20)); err != nil {
			t.Fatal(err)
		}
		conn.SetReadDeadline(time.Now().Add(time.Minute)) // a bound on the test, not a timing assertion
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("%s: no answer before the body: %v", c.service, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), c.code) || !strings.Contains(string(b), c.msg) {
			t.Errorf("%s, 10 MiB declared: %d %s", c.service, resp.StatusCode, b)
		}
	}
	// An authenticated SDK call still works on the same server.
	if _, err := e.FSx.DescribeFileSystems(context.Background(), &fsx.DescribeFileSystemsInput{}); err != nil {
		t.Errorf("DescribeFileSystems: %v", err)
	}
}

// TestHardeningBusyQuery: IAM and STS clients refused for want of a slot
// get the Query protocol's 503 ServiceUnavailable, which their SDKs
// understand, not S3's XML.
func TestHardeningBusyQuery(t *testing.T) {
	e := Start(t, func(c *server.Config) { c.MaxConcurrent, c.BodyIdleTimeout = 1, time.Minute })
	// An authenticated FSx request whose body stalls holds the only slot.
	req, err := hardSignedAs(e, "fsx", http.MethodPost, "/", "", http.Header{
		"X-Amz-Target": {"AWSSimbaAPIService_v20180301.DescribeVolumes"}, "Content-Type": {"application/x-amz-json-1.1"},
	}, []byte("{}"))
	if err != nil {
		t.Fatal(err)
	}
	stall := make(chan struct{})
	defer close(stall)
	req.Body = io.NopCloser(io.MultiReader(strings.NewReader("{"), blockReader(stall)))
	conn, err := net.Dial("tcp", e.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	go req.Write(conn)

	// Watched through the metrics, which take no slot: a probe that did
	// could make the stalled request itself find the slot taken.
	Eventually(t, 30*time.Second, "the stalled request to hold the only slot", func() bool {
		return scrapeMetric(t, e.URL, "fsxd_requests_in_flight") == 1
	})
	ctx := context.Background()
	_, iamErr := e.IAM.ListUsers(ctx, &iam.ListUsersInput{})
	_, stsErr := e.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	for what, err := range map[string]error{"IAM ListUsers": iamErr, "STS GetCallerIdentity": stsErr} {
		var re *awshttp.ResponseError
		if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusServiceUnavailable || hardCode(err) != "ServiceUnavailable" {
			t.Errorf("%s with no free slot: %v, want 503 ServiceUnavailable", what, err)
		}
	}
}

// TestHardeningRefusedBodyNotAwaited: an S3 PUT refused for its signature
// before its body is read is answered even though its client never sends
// the body: the server waits for the rest for PreAuthBodyTimeout at most
// (net/http drains up to 256 KiB of an unread body before replying).
func TestHardeningRefusedBodyNotAwaited(t *testing.T) {
	status, body := answerWithBodyWithheld(t, "s3", "/some-alias/key")
	if status != http.StatusForbidden || xmlCode(body) != "SignatureDoesNotMatch" {
		t.Errorf("bad signature, body withheld: %d %s", status, body)
	}
}

// answerWithBodyWithheld sends the head of a request to path that declares
// 100 KiB and sends none of it, to a server whose PreAuthBodyTimeout is
// short, and returns the answer.
func answerWithBodyWithheld(t *testing.T, service, path string) (int, string) {
	t.Helper()
	e := Start(t, func(c *server.Config) { c.PreAuthBodyTimeout = 200 * time.Millisecond })
	conn, err := net.Dial("tcp", e.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, unsignedHead(e.Addr, e.Key, service, path, 100<<10)); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(time.Minute)) // a bound on the test, not a timing assertion
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer while the body is withheld: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, string(b)
}

// TestHardeningConsoleBodyNotAwaited: the console's sign-in form, read
// before anyone is authenticated, is answered when its client declares a
// body and never sends it: the body has PreAuthBodyTimeout to arrive.
func TestHardeningConsoleBodyNotAwaited(t *testing.T) {
	if status, _ := answerWithBodyWithheld(t, "console", "/_fsxd/console/signin"); status != http.StatusUnauthorized {
		t.Errorf("sign-in, body withheld: %d, want 401", status)
	}
}

// TestHardeningMetricLabelsBounded: operation names a client makes up,
// signed or not, do not become metric series (each would stay until a
// restart, and every scrape would render it).
func TestHardeningMetricLabelsBounded(t *testing.T) {
	e := Start(t)
	for i := range 20 {
		req, err := http.NewRequest(http.MethodPost, e.URL+"/", strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Amz-Target", fmt.Sprintf("AWSSimbaAPIService_v20180301.MadeUp%dOperation", i))
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	_, err := e.FSx.DescribeFileSystems(context.Background(), &fsx.DescribeFileSystemsInput{})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(e.URL + "/_fsxd/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(body), "MadeUp") {
		t.Error("a made-up operation name is a metric label")
	}
	if !strings.Contains(string(body), `operation="DescribeFileSystems"`) {
		t.Error("no series for DescribeFileSystems")
	}
}
