package e2e

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fsxd/fsxd/server"
)

// TestHardeningConnectionCap: at MaxConnections a new connection closes the
// connection that has waited longest without a request (silent ones, idle
// keep-alives), so that SDK requests go on being served; when every
// connection has a request in progress the new one is closed, and the
// requests in progress are not disturbed.
func TestHardeningConnectionCap(t *testing.T) {
	const limit, silentN = 30, 40
	e := Start(t, func(c *server.Config) { c.MaxConnections, c.ReadHeaderTimeout = limit, time.Minute })
	hv := hardAccessPoint(t, e, "conns-ap", 0)
	c := hardClient(e)

	// Phase 1: 40 connections that send nothing, then an SDK request.
	silent := make([]net.Conn, silentN)
	for i := range silent {
		conn, err := net.Dial("tcp", e.Addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		silent[i] = conn
	}
	hardAlive(t, c, hv.alias, 2*time.Second)
	closed := closedConns(silent, time.Second)
	n := 0
	for n < len(closed) && closed[n] {
		n++
	}
	for i := n; i < len(closed); i++ {
		if closed[i] {
			t.Fatalf("silent connections closed out of order (oldest first expected): %v", closed)
		}
	}
	// 40 silent + the SDK's new connection − 30 = at least 11 shed.
	if n < silentN+1-limit || n > silentN+1-limit+2 {
		t.Errorf("%d of %d silent connections closed; want the oldest %d or so", n, silentN, silentN+1-limit)
	}

	// Phase 2: 30 PUTs whose bodies are held back, each in its handler
	// (it has asked for the body: 100 Continue) before the next dials.
	puts := make([]*heldPut, limit)
	for i := range puts {
		puts[i] = startHeldPut(t, e, fmt.Sprintf("/%s/held-%d", hv.alias, i))
		defer puts[i].conn.Close()
	}
	extra, err := net.Dial("tcp", e.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer extra.Close()
	fmt.Fprintf(extra, "HEAD /%s HTTP/1.1\r\nHost: %s\r\n\r\n", hv.alias, e.Addr)
	extra.SetReadDeadline(time.Now().Add(hardDeadline))
	// Closed with the request unread: EOF, or a reset.
	if b, err := io.ReadAll(extra); len(b) != 0 || (err != nil && !errors.Is(err, syscall.ECONNRESET)) {
		t.Errorf("a connection beyond the cap with every connection busy: read %q, %v; want it closed unanswered", b, err)
	}
	for i, p := range puts {
		if got := p.finish(); got != 200 {
			t.Errorf("held PUT %d: %d after the cap refused a connection", i, got)
		}
	}
	hardAlive(t, c, hv.alias, 2*time.Second)

	m := scrape(t, e)
	for _, want := range []string{`fsxd_connections_shed_total{reason="quiet"}`, `fsxd_connections_shed_total{reason="refused"}`, "fsxd_connections_open"} {
		if !strings.Contains(m, want+" ") || strings.Contains(m, want+" 0\n") {
			t.Errorf("metrics lack a non-zero %s", want)
		}
	}
}

// closedConns reports which conns the server has closed: each read ends in
// EOF (or a reset) rather than the deadline.
func closedConns(conns []net.Conn, wait time.Duration) []bool {
	out := make([]bool, len(conns))
	var wg sync.WaitGroup
	deadline := time.Now().Add(wait)
	for i, conn := range conns {
		wg.Go(func() {
			conn.SetReadDeadline(deadline)
			_, err := conn.Read(make([]byte, 1))
			out[i] = err != nil && !errors.Is(err, os.ErrDeadlineExceeded)
		})
	}
	wg.Wait()
	return out
}

// heldPut is a signed PUT whose 100-byte body waits for finish.
type heldPut struct {
	conn net.Conn
	br   *bufio.Reader
	req  *http.Request
	body *io.PipeWriter
	t    *testing.T
}

func startHeldPut(t *testing.T, e *Env, path string) *heldPut {
	t.Helper()
	req, err := hardSigned(e, http.MethodPut, path, "", nil, make([]byte, 100))
	if err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	req.Body, req.GetBody = pr, nil
	req.Header.Set("Expect", "100-continue")
	conn, err := net.Dial("tcp", e.Addr)
	if err != nil {
		t.Fatal(err)
	}
	go req.Write(conn)
	p := &heldPut{conn: conn, br: bufio.NewReader(conn), req: req, body: pw, t: t}
	conn.SetReadDeadline(time.Now().Add(hardDeadline))
	resp, err := http.ReadResponse(p.br, req)
	if err != nil || resp.StatusCode != http.StatusContinue {
		t.Fatalf("held PUT %s: want 100 Continue, got %v %v", path, resp, err)
	}
	return p
}

// finish sends the body and returns the final status (0 on error).
func (p *heldPut) finish() int {
	go func() {
		p.body.Write(make([]byte, 100))
		p.body.Close()
	}()
	p.conn.SetReadDeadline(time.Now().Add(hardDeadline))
	resp, err := http.ReadResponse(p.br, p.req)
	if err != nil {
		p.t.Logf("held PUT: %v", err)
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}
