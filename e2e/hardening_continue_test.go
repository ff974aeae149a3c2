package e2e

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// TestHardeningEmptyPutExpectContinue: botocore (the AWS CLI, boto3)
// sends every file, an empty one too, as a PUT with "Expect:
// 100-continue", and reuses the connection. When a final response comes
// without a 100 Continue first, botocore keeps its status line and parses
// the next response that follows a 100 Continue on that connection
// without one: it misses the headers and waits for the connection to
// close (the 60 s stall of "aws s3 sync" with an empty file). So every
// expectation, Content-Length: 0 included, is answered with an interim
// 100 Continue, and the connection then serves the next requests; a read
// deadline detects a connection left hanging.
func TestHardeningEmptyPutExpectContinue(t *testing.T) {
	e := Start(t)
	hv := hardAccessPoint(t, e, "continue-ap", 0)
	conn, err := net.Dial("tcp", e.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rt := &rawConn{t: t, e: e, conn: conn, br: bufio.NewReader(conn)}
	expect := http.Header{"Expect": {"100-continue"}}
	send := func(what, method, key string, hdr http.Header, body []byte) *http.Response {
		t.Helper()
		resp, interim := rt.roundTrip(what, method, "/"+hv.alias+"/"+key, hdr, body)
		if hdr.Get("Expect") != "" && !interim {
			t.Errorf("%s: final response without an interim 100 Continue", what)
		}
		return resp
	}
	send("empty PUT with Expect: 100-continue", http.MethodPut, "empty", expect, nil)
	send("second empty PUT on the same connection", http.MethodPut, "empty2", expect, nil)
	send("PUT with a body after the empty ones", http.MethodPut, "full", expect, []byte("after"))
	if got := send("GET after the PUTs", http.MethodGet, "empty", nil, nil); got.ContentLength != 0 {
		t.Errorf("GET empty: Content-Length %d", got.ContentLength)
	}
}

// rawConn sends signed requests on one kept-alive connection.
type rawConn struct {
	t    *testing.T
	e    *Env
	conn net.Conn
	br   *bufio.Reader
}

// roundTrip sends one request and reads its final response (which must
// be 200), reporting whether an interim 100 Continue came first.
func (c *rawConn) roundTrip(what, method, path string, hdr http.Header, body []byte) (*http.Response, bool) {
	c.t.Helper()
	req, err := hardSigned(c.e, method, path, "", hdr, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if err := req.Write(c.conn); err != nil {
		c.t.Fatalf("%s: write: %v", what, err)
	}
	c.conn.SetReadDeadline(time.Now().Add(hardDeadline)) // a hang detector, not a speed limit
	resp, err := http.ReadResponse(c.br, req)
	interim := false
	for err == nil && resp.StatusCode == http.StatusContinue {
		interim = true
		resp, err = http.ReadResponse(c.br, req)
	}
	if err != nil {
		c.t.Fatalf("%s: no response on the kept-alive connection: %v", what, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		c.t.Fatalf("%s: status %d", what, resp.StatusCode)
	}
	return resp, interim
}
