package e2e

// Resource limits: header and body sizes, key and part counts, slow
// clients (slowloris on headers and on bodies), the concurrency cap, and
// no goroutine growth after a flood of bad requests.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/fsxd/fsxd/server"
)

// hardAlive fails unless a normal request is answered within d.
func hardAlive(t *testing.T, c *s3.Client, alias string, d time.Duration) {
	t.Helper()
	start := time.Now()
	if _, err := c.HeadBucket(context.Background(), &s3.HeadBucketInput{Bucket: aws.String(alias)}); err != nil {
		t.Errorf("a normal request failed: %v", err)
	}
	if took := time.Since(start); took > d {
		t.Errorf("a normal request took %v (limit %v)", took, d)
	}
}

func TestHardeningRequestSizeLimits(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	hv := hardAccessPoint(t, e, "limits-ap", 0)
	c := hardClient(e)

	// A 100 KiB header: 431 before any handler runs.
	req, _ := http.NewRequest(http.MethodGet, e.URL+"/"+hv.alias+"/x", nil)
	req.Header.Set("X-Big", strings.Repeat("a", 100<<10))
	resp, err := (&http.Client{Timeout: hardDeadline}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("100 KiB header: %d, want 431", resp.StatusCode)
	}
	hardAlive(t, c, hv.alias, time.Second)

	// A 10 MiB DeleteObjects body: MalformedXML, without reading it all.
	var big bytes.Buffer
	big.WriteString("<Delete>")
	for big.Len() < 10<<20 {
		big.WriteString("<Object><Key>" + strings.Repeat("k", 200) + "</Key></Object>")
	}
	big.WriteString("</Delete>")
	sum := md5.Sum(big.Bytes())
	start := time.Now()
	r := hardRaw(t, e, http.MethodPost, "/"+hv.alias, "delete=", http.Header{"Content-Md5": {base64.StdEncoding.EncodeToString(sum[:])}}, big.Bytes())
	if r.status != 400 || xmlCode(r.body) != "MalformedXML" {
		t.Errorf("10 MiB DeleteObjects: %d %s", r.status, xmlCode(r.body))
	}
	t.Logf("10 MiB DeleteObjects refused in %v", time.Since(start))

	// A 10 MiB FSx JSON body: refused after 1 MiB is read.
	start = time.Now()
	jreq, err := hardSignedAs(e, "fsx", http.MethodPost, "/", "", http.Header{
		"X-Amz-Target": {"AWSSimbaAPIService_v20180301.DescribeVolumes"}, "Content-Type": {"application/x-amz-json-1.1"},
	}, append([]byte(`{"VolumeIds":["`), bytes.Repeat([]byte("v"), 10<<20)...))
	if err != nil {
		t.Fatal(err)
	}
	if resp, err := (&http.Client{Timeout: hardDeadline}).Do(jreq); err != nil {
		t.Errorf("10 MiB JSON body: %v", err)
	} else {
		resp.Body.Close()
		if resp.StatusCode != 400 {
			t.Errorf("10 MiB JSON body: %d, want 400", resp.StatusCode)
		}
	}
	t.Logf("10 MiB FSx JSON body refused in %v", time.Since(start))

	// 1001 keys: MalformedXML; 1000 are fine.
	objs := make([]s3types.ObjectIdentifier, 1001)
	for i := range objs {
		objs[i] = s3types.ObjectIdentifier{Key: aws.String(fmt.Sprintf("k%d", i))}
	}
	_, err = c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(hv.alias), Delete: &s3types.Delete{Objects: objs}})
	if hardCode(err) != "MalformedXML" {
		t.Errorf("DeleteObjects with 1001 keys: %v", err)
	}
	if _, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(hv.alias), Delete: &s3types.Delete{Objects: objs[:1000]}}); err != nil {
		t.Errorf("DeleteObjects with 1000 keys: %v", err)
	}

	// Part numbers 1..10000.
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(hv.alias), Key: aws.String("mp")})
	if err != nil {
		t.Fatal(err)
	}
	for n, want := range map[int32]string{0: "InvalidArgument", 10001: "InvalidArgument", -1: "InvalidArgument", 10000: ""} {
		_, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(hv.alias), Key: aws.String("mp"), UploadId: up.UploadId,
			PartNumber: aws.Int32(n), Body: strings.NewReader("p")})
		if hardCode(err) != want {
			t.Errorf("part number %d: %v, want %q", n, err, want)
		}
	}
	// A 1025-byte key.
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(hv.alias), Key: aws.String(strings.Repeat("k", 1025)), Body: strings.NewReader("x")})
	if hardCode(err) != "KeyTooLongError" && hardCode(err) != "InvalidArgument" {
		t.Errorf("1025-byte key: %v", err)
	}
	hardAlive(t, c, hv.alias, time.Second)
}

// TestHardeningSlowClients: slowloris on headers is cut at
// ReadHeaderTimeout, a stalled body at BodyIdleTimeout (400
// RequestTimeout), and the server answers others meanwhile.
func TestHardeningSlowClients(t *testing.T) {
	const hdrTimeout, bodyIdle = time.Second, time.Second
	e := Start(t, func(c *server.Config) { c.ReadHeaderTimeout, c.BodyIdleTimeout = hdrTimeout, bodyIdle })
	hv := hardAccessPoint(t, e, "slow-ap", 0)
	c := hardClient(e)

	// 50 connections trickling a request line and headers, a byte every 50 ms.
	const n = 50
	start := time.Now()
	closed := make(chan time.Duration, n)
	for range n {
		conn, err := net.Dial("tcp", e.Addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		go func() {
			line := "GET /" + hv.alias + "/x HTTP/1.1\r\nHost: " + e.Addr + "\r\nX-Slow: " + strings.Repeat("s", 400)
			for i := 0; i < len(line); i++ {
				if _, err := conn.Write([]byte{line[i]}); err != nil {
					closed <- time.Since(start)
					return
				}
				time.Sleep(50 * time.Millisecond)
			}
			closed <- -1
		}()
	}
	time.Sleep(200 * time.Millisecond)
	hardAlive(t, c, hv.alias, time.Second)
	for range n {
		select {
		case d := <-closed:
			if d < 0 {
				t.Fatal("a slowloris connection sent its whole header without being cut")
			}
			if d > hdrTimeout+2*time.Second {
				t.Errorf("a slowloris connection lasted %v (ReadHeaderTimeout %v)", d, hdrTimeout)
			}
		case <-time.After(hdrTimeout + 5*time.Second):
			t.Fatal("slowloris connections were not cut")
		}
	}
	t.Logf("%d slowloris connections cut after %v (ReadHeaderTimeout %v)", n, time.Since(start), hdrTimeout)
	hardAlive(t, c, hv.alias, time.Second)

	// A body that stalls after 10 of its 100 bytes: 400 RequestTimeout.
	req, err := hardSigned(e, http.MethodPut, "/"+hv.alias+"/stalled", "", nil, make([]byte, 100))
	if err != nil {
		t.Fatal(err)
	}
	stall := make(chan struct{})
	defer close(stall)
	req.Body = io.NopCloser(io.MultiReader(bytes.NewReader(make([]byte, 10)), blockReader(stall)))
	conn, err := net.Dial("tcp", e.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	go req.Write(conn)
	start = time.Now()
	conn.SetReadDeadline(time.Now().Add(hardDeadline))
	resp, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		t.Fatalf("stalled body: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || xmlCode(string(b)) != "RequestTimeout" {
		t.Errorf("stalled body: %d %s", resp.StatusCode, b)
	}
	if d := time.Since(start); d > bodyIdle+2*time.Second {
		t.Errorf("stalled body answered after %v (BodyIdleTimeout %v)", d, bodyIdle)
	}
	if _, err := c.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(hv.alias), Key: aws.String("stalled")}); hardCode(err) != "NotFound" {
		t.Errorf("a stalled upload became an object: %v", err)
	}
}

// TestHardeningConcurrencyCap: beyond MaxConcurrent in-flight requests the
// server answers 503 SlowDown at once, and nothing else fails.
func TestHardeningConcurrencyCap(t *testing.T) {
	e := Start(t, func(c *server.Config) { c.MaxConcurrent = 4 })
	hv := hardAccessPoint(t, e, "cap-ap", 0)
	const n = 20
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[string]int{}
	gate := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			body := &slowReader{n: 10, pause: 50 * time.Millisecond}
			req, err := hardSigned(e, http.MethodPut, fmt.Sprintf("/%s/slow-%d", hv.alias, i), "", nil, make([]byte, 10))
			if err != nil {
				t.Error(err)
				return
			}
			req.Body, req.ContentLength, req.GetBody = io.NopCloser(body), 10, nil
			<-gate
			resp, err := (&http.Client{Timeout: hardDeadline}).Do(req)
			code := "transport error"
			if err == nil {
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				code = fmt.Sprintf("%d %s", resp.StatusCode, xmlCode(string(b)))
			}
			mu.Lock()
			codes[code]++
			mu.Unlock()
		})
	}
	close(gate)
	wg.Wait()
	t.Logf("20 slow PUTs, MaxConcurrent 4: %v", codes)
	if codes["503 SlowDown"] == 0 || codes["200 "] < 4 || codes["503 SlowDown"]+codes["200 "] != n {
		t.Errorf("want some 503 SlowDown, at least 4 successes, nothing else: %v", codes)
	}
	hardAlive(t, hardClient(e), hv.alias, time.Second)
}

// blockReader blocks until done closes.
type blockReader chan struct{}

func (b blockReader) Read([]byte) (int, error) {
	<-b
	return 0, io.ErrUnexpectedEOF
}

// slowReader yields n zero bytes, one at a time, pausing before each.
type slowReader struct {
	n     int
	pause time.Duration
}

func (r *slowReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	time.Sleep(r.pause)
	r.n--
	p[0] = 0
	return 1, nil
}

// TestHardeningBadRequestFlood: 2,000 bad requests of many kinds leave no
// goroutines (and no heap) behind, and the server keeps serving.
func TestHardeningBadRequestFlood(t *testing.T) {
	e := Start(t)
	hv := hardAccessPoint(t, e, "flood-ap", 0)
	c := hardClient(e)
	tr := &http.Transport{MaxIdleConnsPerHost: 8}
	hc := &http.Client{Transport: tr, Timeout: hardDeadline}
	var mu sync.Mutex
	statuses := map[int]int{}
	send := func(req *http.Request) {
		if resp, err := hc.Do(req); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			mu.Lock()
			statuses[resp.StatusCode]++
			mu.Unlock()
			if resp.StatusCode >= 500 && resp.StatusCode != 501 {
				t.Errorf("%s %s: %d", req.Method, req.URL, resp.StatusCode)
			}
		}
	}
	u := e.URL + "/" + hv.alias
	kinds := []func(i int){
		func(i int) { // unsigned
			req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/k%d", u, i), nil)
			send(req)
		},
		func(i int) { // signed with the wrong secret
			req, _ := hardSigned(e, http.MethodPut, fmt.Sprintf("/%s/k%d", hv.alias, i), "", nil, []byte("x"))
			req.Header.Set("Authorization", strings.Replace(req.Header.Get("Authorization"), "Signature=", "Signature=00", 1))
			send(req)
		},
		func(i int) { // a mangled Authorization header
			req, _ := http.NewRequest(http.MethodGet, u+"/x", nil)
			req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=%%%, SignedHeaders=;;;, Signature=zz")
			send(req)
		},
		func(i int) { // malformed XML, signed
			body := []byte("<Delete><Object><Key>a</Key></Object")
			sum := md5.Sum(body)
			req, _ := hardSigned(e, http.MethodPost, "/"+hv.alias, "delete=", http.Header{"Content-Md5": {base64.StdEncoding.EncodeToString(sum[:])}}, body)
			send(req)
		},
		func(i int) { // a traversal, signed
			req, _ := hardSigned(e, http.MethodGet, "/"+hv.alias+"/..%2f..%2fetc%2fpasswd", "", nil, nil)
			send(req)
		},
		func(i int) { // an unknown method and a bad FSx call
			req, _ := http.NewRequest("BREW", u+"/pot", nil)
			send(req)
			req, _ = http.NewRequest(http.MethodPost, e.URL+"/", strings.NewReader("{not json"))
			req.Header.Set("X-Amz-Target", "AWSSimbaAPIService_v20180301.DescribeVolumes")
			req.Header.Set("Content-Type", "application/x-amz-json-1.1")
			send(req)
		},
		func(i int) { // a body cut short, and a connection dropped mid-header
			conn, err := net.Dial("tcp", e.Addr)
			if err != nil {
				return
			}
			defer conn.Close()
			if i%2 == 0 {
				fmt.Fprintf(conn, "PUT /%s/cut HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nshort", hv.alias)
			} else {
				fmt.Fprintf(conn, "GET /%s/x HTTP/1.1\r\nHost: x\r\nX-Half: ", hv.alias)
			}
		},
	}
	flood := func(n int) {
		var wg sync.WaitGroup
		for w := range 8 {
			wg.Go(func() {
				for i := w; i < n; i += 8 {
					kinds[i%len(kinds)](i)
				}
			})
		}
		wg.Wait()
		tr.CloseIdleConnections()
	}
	flood(200) // warm up: pools, caches, buffers
	before, heapBefore := hardSettled(t, -1)
	start := time.Now()
	flood(2000)
	t.Logf("2000 bad requests in %v; statuses %v", time.Since(start), statuses)
	hardAlive(t, c, hv.alias, time.Second)
	after, heapAfter := hardSettled(t, before+10)
	t.Logf("goroutines %d -> %d, heap %d -> %d KiB", before, after, heapBefore>>10, heapAfter>>10)
	if heapAfter > heapBefore+64<<20 {
		t.Errorf("heap grew from %d to %d bytes", heapBefore, heapAfter)
	}
}

// hardSettled waits until the goroutine count is at most limit (-1: until
// it stops falling) and returns it with the live heap after a GC.
func hardSettled(t *testing.T, limit int) (int, uint64) {
	t.Helper()
	n, deadline := runtime.NumGoroutine(), time.Now().Add(10*time.Second)
	for time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		m := runtime.NumGoroutine()
		if limit < 0 && m >= n || limit >= 0 && m <= limit {
			n = m
			break
		}
		n = m
	}
	if limit >= 0 && n > limit {
		buf := make([]byte, 1<<20)
		t.Errorf("goroutines did not settle: %d, want at most %d\n%s", n, limit, buf[:runtime.Stack(buf, true)])
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return n, ms.HeapAlloc
}
